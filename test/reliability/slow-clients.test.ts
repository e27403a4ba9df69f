import { describe, expect, it } from 'vitest';
import { slowClients } from '../../scripts/reliability/scenarios/slow-clients.ts';
import { intact } from '../../scripts/reliability/support/integrity.ts';
import { report, testBackend } from './backend.ts';

const backend = testBackend();

// The script's scenario made small for CI: 60 slow connections from one address (its connection
// limit at 40, so some are refused at once), limits scaled down to 2 s so that several rounds of
// cuts happen within the 8 s attack. The script runs 600 against the real defaults
// (docs/reliability.md, "Slow clients").
describe(`slow clients (${backend.kind})`, () => {
  it('keeps honest submits fast and error-free while one address holds slow connections, and cuts them in time', async () => {
    const r = await slowClients({
      backend,
      slowBodies: 30,
      slowHeads: 30,
      honestClients: 10,
      baselineMs: 1000,
      attackMs: 8000,
      platformEnv: {
        HEADERS_TIMEOUT_SECONDS: '2',
        BODY_GRACE_SECONDS: '2',
        MAX_CONNECTIONS_PER_ADDRESS: '40',
      },
    });
    report('slow-clients', {
      underAttack: r.underAttack,
      opened: r.attack.opened,
      endings: r.attack.endings,
      longestHeldMs: r.attack.longestHeldMs,
    });
    expect(r.underAttack.tried).toBeGreaterThan(0);
    expect(r.underAttack.fiveXx).toBe(0);
    expect((r.underAttack.statuses['201'] ?? 0) + (r.underAttack.statuses['200'] ?? 0)).toBe(
      r.underAttack.tried,
    );
    expect(r.underAttack.p99Ms).toBeLessThanOrEqual(1000);
    // Slow bodies are cut for their rate, heads for their time, both refused past the address's
    // limit; nothing else happens to them.
    expect(r.attack.endings['body: 408 BODY_TOO_SLOW']).toBeGreaterThan(0);
    expect(r.attack.endings['head: 408 REQUEST_TIMEOUT']).toBeGreaterThan(0);
    const allowed = [
      'body: 408 BODY_TOO_SLOW',
      'head: 408 REQUEST_TIMEOUT',
      'body: 429 TOO_MANY_CONNECTIONS',
      'head: 429 TOO_MANY_CONNECTIONS',
      'body: open at the end',
      'head: open at the end',
    ];
    expect(Object.keys(r.attack.endings).filter((k) => !allowed.includes(k))).toEqual([]);
    expect(
      (r.attack.endings['body: 429 TOO_MANY_CONNECTIONS'] ?? 0) +
        (r.attack.endings['head: 429 TOO_MANY_CONNECTIONS'] ?? 0),
    ).toBeGreaterThan(0);
    expect(r.attack.overLimit).toBe(0);
    expect(r.platformAlive).toBe(true);
    expect(r.integrity.lost).toEqual([]);
    expect(intact(r.integrity)).toBe(true);
  }, 120_000);
});
