import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetTotalMinor, DEFAULT_STAGE_CHANGES, type Partner, type StageChangeRules } from '@permed/domain';
import { changeReport, consortiumHash } from './change-report.ts';
import { samplePartners } from './testing/sample-partners.ts';

const pool = samplePartners();
const amount = fc.integer({ min: 0, max: 10_000_000_000 });

/** A consortium: a subset of the sample partners with random budgets and one (or no) coordinator. */
const consortium = fc
  .record({
    members: fc.subarray(pool, { minLength: 0, maxLength: pool.length }),
    coordinator: fc.nat(),
    amounts: fc.array(amount, { minLength: pool.length, maxLength: pool.length }),
  })
  .map(({ members, coordinator, amounts }) =>
    members.map((p, i): Partner => ({
      ...p,
      coordinator: members.length > 0 && i === coordinator % members.length,
      budget: { ...p.budget, personnel: amounts[i]! },
    })),
  );

describe('change report', () => {
  it('needs approval exactly when partners were added or removed or the coordinator changed', () => {
    fc.assert(
      fc.property(consortium, consortium, (before, after) => {
        const r = changeReport({ partners: before }, { partners: after });
        const ids = (ps: Partner[]) => new Set(ps.map((p) => p.id));
        const sameSet =
          ids(before).size === ids(after).size && [...ids(before)].every((id) => ids(after).has(id));
        const coord = (ps: Partner[]) => ps.find((p) => p.coordinator)?.id ?? null;
        expect(r.requiresApproval).toBe(!sameSet || coord(before) !== coord(after));
        expect(r.partnersAdded.map((p) => p.id).sort()).toEqual(
          [...ids(after)].filter((id) => !ids(before).has(id)).sort(),
        );
        expect(r.partnersRemoved.map((p) => p.id).sort()).toEqual(
          [...ids(before)].filter((id) => !ids(after).has(id)).sort(),
        );
      }),
    );
  });

  it('adds up budgets per currency exactly, never across currencies', () => {
    fc.assert(
      fc.property(consortium, consortium, (before, after) => {
        const r = changeReport({ partners: before }, { partners: after });
        for (const t of r.budget.totals) {
          const sum = (ps: Partner[]) =>
            ps
              .filter((p) => p.budget.currency === t.currency)
              .reduce((s, p) => s + budgetTotalMinor(p.budget), 0);
          expect(t.before).toBe(sum(before));
          expect(t.after).toBe(sum(after));
          expect(t.change).toBe(t.after - t.before);
        }
        for (const line of r.budget.perPartner)
          expect(line.change).toBe((line.after ?? 0) - (line.before ?? 0));
      }),
    );
  });

  it('fingerprints the consortium independently of partner order and budgets', () => {
    fc.assert(
      fc.property(consortium, fc.integer(), (partners, seed) => {
        const shuffled = [...partners].sort(() => (seed % 2 === 0 ? 1 : -1));
        const rebudgeted = partners.map((p) => ({
          ...p,
          budget: { ...p.budget, travel: p.budget.travel + 1 },
        }));
        expect(consortiumHash(shuffled)).toBe(consortiumHash(partners));
        expect(consortiumHash(rebudgeted)).toBe(consortiumHash(partners));
        if (partners.length > 1) {
          const moved = partners.map((p, i) => ({ ...p, coordinator: i === partners.length - 1 }));
          const changed = moved.find((p) => p.coordinator)!.id !== partners.find((p) => p.coordinator)?.id;
          expect(consortiumHash(moved) !== consortiumHash(partners)).toBe(changed);
        }
      }),
    );
  });

  const policy = fc.constantFrom('allowed' as const, 'approval' as const);
  const rulesArb = fc.record({
    partnerAdded: policy,
    partnerRemoved: policy,
    coordinatorChanged: policy,
    budgetChangePercent: fc.constant(null),
  });

  it("names as approval reasons exactly the consortium changes the call's rules ask to approve", () => {
    fc.assert(
      fc.property(consortium, consortium, rulesArb, (before, after, rules) => {
        const r = changeReport({ partners: before }, { partners: after }, rules);
        const coord = (ps: Partner[]) => ps.find((p) => p.coordinator)?.id ?? null;
        const expected = [
          r.partnersAdded.length > 0 && rules.partnerAdded === 'approval' ? 'partner-added' : null,
          r.partnersRemoved.length > 0 && rules.partnerRemoved === 'approval' ? 'partner-removed' : null,
          coord(before) !== coord(after) && rules.coordinatorChanged === 'approval'
            ? 'coordinator-changed'
            : null,
        ].filter((x) => x !== null);
        expect(r.approvalReasons).toEqual(expected);
        expect(r.requiresApproval).toBe(expected.length > 0);
      }),
    );
  });

  describe('a budget threshold', () => {
    const base = samplePartners();
    const rules: StageChangeRules = { ...DEFAULT_STAGE_CHANGES, budgetChangePercent: 10 };
    /** The sample consortium with one partner's personnel cost moved by `delta` minor units. */
    const moved = (index: number, delta: number) =>
      base.map((p, i) =>
        i === index ? { ...p, budget: { ...p.budget, personnel: p.budget.personnel + delta } } : p,
      );
    const tenPercentOf = (p: Partner) => budgetTotalMinor(p.budget) / 10;

    it('lets a partner move by up to the share and asks approval one minor unit beyond it', () => {
      const laval = base[2]!;
      expect(budgetTotalMinor(laval.budget) % 10).toBe(0);
      for (const sign of [1, -1]) {
        const at = changeReport(
          { partners: base },
          { partners: moved(2, sign * tenPercentOf(laval)) },
          rules,
        );
        expect(at.approvalReasons).toEqual([]);
        const past = changeReport(
          { partners: base },
          { partners: moved(2, sign * (tenPercentOf(laval) + 1)) },
          rules,
        );
        expect(past.approvalReasons).toEqual(['budget-changed']);
      }
    });

    it('counts what a removed partner takes from its currency total', () => {
      const without = base.filter((p) => p.id !== 'clinic-bcn');
      const allowRemoval = { ...rules, partnerRemoved: 'allowed' as const };
      const eur = (ps: Partner[]) =>
        ps.filter((p) => p.budget.currency === 'EUR').reduce((s, p) => s + budgetTotalMinor(p.budget), 0);
      const share = ((eur(base) - eur(without)) / eur(base)) * 100;
      expect(share).toBeGreaterThan(10);
      expect(changeReport({ partners: base }, { partners: without }, allowRemoval).approvalReasons).toEqual([
        'budget-changed',
      ]);
      expect(
        changeReport(
          { partners: base },
          { partners: without },
          { ...allowRemoval, budgetChangePercent: Math.ceil(share) },
        ).approvalReasons,
      ).toEqual([]);
    });

    it('makes the approval cover the budgets, so a larger change after it needs a new one', () => {
      const plus20 = moved(0, budgetTotalMinor(base[0]!.budget) / 5);
      const plus30 = moved(0, (budgetTotalMinor(base[0]!.budget) * 3) / 10);
      const a = changeReport({ partners: base }, { partners: plus20 }, rules);
      const b = changeReport({ partners: base }, { partners: plus30 }, rules);
      expect(a.approvalReasons).toEqual(['budget-changed']);
      expect(a.consortiumHash).not.toBe(b.consortiumHash);
      // Without a budget reason the fingerprint is the consortium's alone, as before budgets counted.
      const small = changeReport({ partners: base }, { partners: moved(0, 1) }, rules);
      expect(small.approvalReasons).toEqual([]);
      expect(small.consortiumHash).toBe(consortiumHash(base));
    });

    it('is off by default: budgets move freely', () => {
      const r = changeReport({ partners: base }, { partners: moved(0, budgetTotalMinor(base[0]!.budget)) });
      expect(r.approvalReasons).toEqual([]);
    });
  });
});
