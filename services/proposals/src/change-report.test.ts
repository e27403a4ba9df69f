import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetTotalMinor, type Partner } from '@permed/domain';
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
});
