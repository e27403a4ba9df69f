import { describe, expect, it } from 'vitest';
import { rule, ruleKinds } from './rule.ts';

const base = {
  id: 'r-1',
  level: 'error',
  stage: 'both',
  source: { url: 'https://example.org/call' },
} as const;

function paths(input: unknown): string[] {
  const r = rule.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('rule', () => {
  it('parses a call rule and a funder rule with typed params', () => {
    const r = rule.parse({ ...base, kind: 'max-partners', scope: 'call', params: { max: 6 } });
    expect(r.kind === 'max-partners' && r.params.max).toBe(6);
    const m = rule.parse({
      ...base,
      kind: 'max-request-per-partner',
      scope: 'funder',
      funderId: 'bmbf',
      params: { max: { amountMinor: 30_000_000, currency: 'EUR' } },
    });
    expect(m.kind === 'max-request-per-partner' && m.params.max.amountMinor).toBe(30_000_000);
  });

  it("validates each kind's params", () => {
    expect(paths({ ...base, kind: 'max-partners', scope: 'call', params: { max: 0 } })[0]).toMatch(
      /^params\.max/,
    );
    expect(paths({ ...base, kind: 'max-partners', scope: 'call', params: { max: 6, extra: 1 } })[0]).toMatch(
      /^params/,
    );
    expect(
      paths({
        ...base,
        kind: 'max-request-per-partner',
        scope: 'funder',
        funderId: 'bmbf',
        params: { max: { amountMinor: 1.5, currency: 'EUR' } },
      })[0],
    ).toMatch(/^params\.max\.amountMinor/);
    expect(paths({ ...base, kind: 'no-such-kind', scope: 'call', params: {} })[0]).toMatch(/^kind/);
  });

  it('requires one currency across tiers and distinct tier sizes', () => {
    const tiers = [
      { fromPartners: 1, max: { amountMinor: 1, currency: 'EUR' } },
      { fromPartners: 1, max: { amountMinor: 2, currency: 'SEK' } },
    ];
    const issues = paths({
      ...base,
      kind: 'max-request-total',
      scope: 'funder',
      funderId: 'vr',
      params: { tiers },
    });
    expect(issues.map((i) => i.split(':')[0])).toEqual([
      'params.tiers.1.fromPartners',
      'params.tiers.1.max.currency',
    ]);
  });

  it('needs a funderId on a funder rule and refuses one on a call rule', () => {
    expect(paths({ ...base, kind: 'max-funder-partners', scope: 'funder', params: { max: 2 } })).toEqual([
      'funderId: a funder rule needs `funderId`',
    ]);
    expect(
      paths({ ...base, kind: 'max-partners', scope: 'call', funderId: 'bmbf', params: { max: 6 } }),
    ).toEqual(['funderId: a call rule must not name a funder']);
  });

  it('fixes the scope of consortium and funder kinds', () => {
    expect(
      paths({ ...base, kind: 'max-partners', scope: 'funder', funderId: 'x1', params: { max: 6 } })[0],
    ).toMatch(/^scope/);
    expect(
      paths({ ...base, kind: 'funder-territory', scope: 'funder', funderId: 'bmbf', params: {} }),
    ).toEqual([]);
  });

  it('takes exactly one of source and assumption, and an assumption needs a note', () => {
    const { source: _s, ...noSource } = base;
    const r = { kind: 'coordinator-eligible', scope: 'call', params: {} };
    expect(paths({ ...noSource, ...r })).toEqual([
      'source: give exactly one of `source` or `assumption: true`',
    ]);
    expect(paths({ ...base, ...r, assumption: true, note: 'JTC2019' })).toEqual([
      'source: give exactly one of `source` or `assumption: true`',
    ]);
    expect(paths({ ...noSource, ...r, assumption: true })).toEqual([
      'note: an assumption needs a `note` saying which neighbouring call documents it',
    ]);
    expect(paths({ ...noSource, ...r, assumption: true, note: 'Documented for JTC2019' })).toEqual([]);
  });

  it('lists every kind once', () => {
    expect(new Set(ruleKinds).size).toBe(ruleKinds.length);
    expect(ruleKinds).toContain('one-proposal-per-pi');
  });
});
