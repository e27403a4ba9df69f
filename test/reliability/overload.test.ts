import { describe, expect, it } from 'vitest';
import { overload } from '../../scripts/reliability/scenarios/overload.ts';
import { intact } from '../../scripts/reliability/support/integrity.ts';
import { report, testBackend } from './backend.ts';

const backend = testBackend();

// Small and with a low in-flight cap, so that shedding certainly happens within a few seconds on
// any machine; the script runs the real defaults at three times the benchmark's rate.
describe(`overload (${backend.kind})`, () => {
  it('sheds with 503 problem+json and Retry-After, recovers within 10 s of the load dropping, loses nothing', async () => {
    const r = await overload({
      backend,
      rate: backend.kind === 'postgres' ? 300 : 100,
      durationMs: 3000,
      proposals: backend.kind === 'postgres' ? 300 : 100,
      timeoutMs: 30_000,
      platformEnv: { MAX_IN_FLIGHT: backend.kind === 'postgres' ? '40' : '3' },
    });
    report('overload', {
      statuses: r.statuses,
      achievedRate: Math.round(r.achievedRate),
      recoveryMs: r.recoveryMs,
      shedBy: r.shedBy,
    });
    expect(r.offered).toBeGreaterThan(0);
    expect(r.acknowledged).toBeGreaterThan(0);
    expect(r.shed).toBeGreaterThan(0);
    expect(r.shedClean).toBe(r.shed);
    expect(r.timeouts).toBe(0);
    expect(r.connectionErrors).toBe(0);
    expect(r.otherStatuses).toBe(0);
    expect(r.platformAlive).toBe(true);
    expect(r.recoveryMs).not.toBeNull();
    expect(r.recoveryMs!).toBeLessThanOrEqual(10_000);
    expect(r.integrity.lost).toEqual([]);
    expect(intact(r.integrity)).toBe(true);
  }, 300_000);
});
