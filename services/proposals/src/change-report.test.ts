import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetTotalMinor, DEFAULT_STAGE_CHANGES, type Partner, type StageChangeRules } from '@permed/domain';
import { approvalCovers, changeReport, consortiumHash } from './change-report.ts';
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

    it('covers with an approval the budgets it was given for, and no larger change after it', () => {
      const plus20 = moved(0, budgetTotalMinor(base[0]!.budget) / 5);
      const plus30 = moved(0, (budgetTotalMinor(base[0]!.budget) * 3) / 10);
      const a = changeReport({ partners: base }, { partners: plus20 }, rules);
      const b = changeReport({ partners: base }, { partners: plus30 }, rules);
      expect(a.approvalReasons).toEqual(['budget-changed']);
      const approved = { consortiumHash: a.consortiumHash, budgetsHash: a.budgetsHash };
      expect(approvalCovers(a, approved)).toBe(true);
      expect(approvalCovers(b, approved)).toBe(false);
      // A request made before budgets could need approval covers no budget change.
      expect(approvalCovers(a, { ...approved, budgetsHash: null })).toBe(false);
    });

    it('needs no approval once the change is undone, nor once the call stops asking', () => {
      const plus20 = moved(0, budgetTotalMinor(base[0]!.budget) / 5);
      const back = changeReport({ partners: base }, { partners: moved(0, 1) }, rules);
      expect(back.approvalReasons).toEqual([]);
      expect(back.requiresApproval).toBe(false);
      const loosened = changeReport(
        { partners: base },
        { partners: plus20 },
        { ...rules, budgetChangePercent: null },
      );
      expect(loosened.requiresApproval).toBe(false);
    });

    it('checks the consortium and the budgets each against what was approved for it', () => {
      const utrecht = { ...base[1]!, id: 'umc-utrecht', coordinator: false };
      const joined = [...base, utrecht];
      const grown = changeReport({ partners: base }, { partners: joined }, rules);
      expect(grown.approvalReasons).toEqual(['partner-added', 'budget-changed']);
      const approved = { consortiumHash: grown.consortiumHash, budgetsHash: grown.budgetsHash };
      expect(approvalCovers(grown, approved)).toBe(true);
      // The same consortium asking for more: the consortium part still holds, the budget part not.
      const more = joined.map((p) =>
        p.id === 'umc-utrecht' ? { ...p, budget: { ...p.budget, personnel: p.budget.personnel + 1 } } : p,
      );
      const after = changeReport({ partners: base }, { partners: more }, rules);
      expect(after.consortiumHash).toBe(grown.consortiumHash);
      expect(approvalCovers(after, approved)).toBe(false);
    });

    it('decides the threshold exactly, in basis points, for any budgets and percentage', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: 0, max: 100_000 }),
          (before, after, basisPoints) => {
            const one = (personnel: number): Partner[] => [
              {
                ...base[0]!,
                budget: {
                  ...base[0]!.budget,
                  personnel,
                  consumables: 0,
                  equipment: 0,
                  travel: 0,
                  subcontracting: 0,
                  overhead: 0,
                },
              },
            ];
            const r = changeReport(
              { partners: one(before) },
              { partners: one(after) },
              {
                ...DEFAULT_STAGE_CHANGES,
                budgetChangePercent: basisPoints / 100,
              },
            );
            const diff = BigInt(after) - BigInt(before);
            const exceeds = (diff < 0n ? -diff : diff) * 10_000n > BigInt(basisPoints) * BigInt(before);
            expect(r.approvalReasons.includes('budget-changed')).toBe(exceeds);
          },
        ),
      );
    });

    it('is off by default: budgets move freely', () => {
      const r = changeReport({ partners: base }, { partners: moved(0, budgetTotalMinor(base[0]!.budget)) });
      expect(r.approvalReasons).toEqual([]);
    });
  });
});
