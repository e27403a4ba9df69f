import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssignmentInput, AssignmentInputDraft } from './assignment-input.ts';
import type { AssignmentResult, InfeasibleAssignment, OptimalAssignment } from './assignment-result.ts';
import { greedyAssignment } from './greedy-assignment.ts';
import { randomAssignmentInput, seededRandom } from './random-instance.ts';
import { solveAssignment } from './solve-assignment.ts';
import { validateAssignment } from './validate-assignment.ts';

function optimal(result: AssignmentResult): OptimalAssignment {
  if (result.status !== 'optimal') throw new Error(`expected optimal, got ${JSON.stringify(result.binding)}`);
  return result;
}
function infeasible(result: AssignmentResult): InfeasibleAssignment {
  if (result.status !== 'infeasible') throw new Error('expected infeasible');
  return result;
}

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('solveAssignment', () => {
  it('prefers the reviewers whose expertise matches, and records hash, parameters, solver and objective', () => {
    const input: AssignmentInputDraft = {
      proposals: [
        { id: 'P1', keywords: ['Pharmacogenomics', 'oncology'] },
        { id: 'P2', keywords: ['rare diseases', 'genomics'] },
      ],
      reviewers: [
        { id: 'R1', country: 'DE', expertise: ['pharmacogenomics', 'Oncology'] },
        { id: 'R2', country: 'FR', expertise: ['rare diseases', 'genomics'] },
        { id: 'R3', country: 'IT', expertise: ['cardiology'] },
      ],
      settings: { reviewersPerProposal: 1, maxLoad: 1 },
    };
    const result = optimal(solveAssignment(input));
    expect(result.assignments.map((a) => `${a.proposalId}:${a.reviewerId}`)).toEqual(['P1:R1', 'P2:R2']);
    expect(result.objective).toEqual({ totalAffinity: 2000, affinityScale: 1000, pairs: 2 });
    expect(result.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.parameters).toMatchObject({
      reviewersPerProposal: 1,
      maxLoad: 1,
      minLoad: 0,
      distinctCountries: false,
      affinityMode: 'expertise',
    });
    expect(result.solver.name).toBe('min-cost-flow/successive-shortest-paths');
    expect(result.loads).toEqual([
      { reviewerId: 'R1', load: 1 },
      { reviewerId: 'R2', load: 1 },
      { reviewerId: 'R3', load: 0 },
    ]);
  });

  it('gives the same result and hash whatever the input order', () => {
    const input = randomAssignmentInput({
      seed: 5,
      proposals: 40,
      reviewers: 15,
      minLoad: 2,
      distinctCountries: true,
    });
    const reordered: AssignmentInput = {
      ...input,
      proposals: shuffled(input.proposals, 1),
      reviewers: shuffled(input.reviewers, 2),
      conflicts: shuffled(input.conflicts, 3),
    };
    const a = solveAssignment(input);
    const b = solveAssignment(reordered);
    expect(b).toEqual(a);
    expect(a.inputHash).not.toBe(
      solveAssignment({ ...input, settings: { ...input.settings, maxLoad: 11 } }).inputHash,
    );
  });

  it('keeps sparsification exact: same objective as the full network, never below greedy, always valid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(1, 3, 6),
        (seed, distinctCountries, minLoad, candidatesPerProposal) => {
          const input = randomAssignmentInput({
            seed,
            proposals: 45,
            reviewers: 16,
            maxLoad: 10,
            minLoad,
            distinctCountries,
            conflictRate: 0.05,
          });
          const sparse = solveAssignment(input, { candidatesPerProposal });
          const full = solveAssignment(input, { candidatesPerProposal: 'all' });
          expect(sparse.status).toBe(full.status);
          if (sparse.status !== 'optimal' || full.status !== 'optimal') return;
          expect(sparse.objective.totalAffinity).toBe(full.objective.totalAffinity);
          expect(validateAssignment(input, sparse)).toEqual([]);
          const greedy = greedyAssignment(input);
          if (greedy.complete)
            expect(sparse.objective.totalAffinity).toBeGreaterThanOrEqual(greedy.totalAffinity);
        },
      ),
      { numRuns: 40, seed: 99 },
    );
  });

  it('beats greedy where greedy is myopic', () => {
    // Greedy takes R1 for P1 (900) and leaves P2 with R2 (0); the optimum pairs P1–R2 and P2–R1.
    const input: AssignmentInputDraft = {
      proposals: [{ id: 'P1' }, { id: 'P2' }],
      reviewers: [
        { id: 'R1', country: 'DE' },
        { id: 'R2', country: 'FR' },
      ],
      settings: { reviewersPerProposal: 1, maxLoad: 1 },
      affinity: {
        mode: 'explicit',
        values: [
          { proposalId: 'P1', reviewerId: 'R1', value: 900 },
          { proposalId: 'P1', reviewerId: 'R2', value: 800 },
          { proposalId: 'P2', reviewerId: 'R1', value: 850 },
          { proposalId: 'P2', reviewerId: 'R2', value: 0 },
        ],
      },
    };
    expect(greedyAssignment(input).totalAffinity).toBe(900);
    expect(optimal(solveAssignment(input)).objective.totalAffinity).toBe(1650);
  });

  it('uses bids where the call collects them', () => {
    const input: AssignmentInputDraft = {
      proposals: [{ id: 'P1', keywords: ['oncology'] }],
      reviewers: [
        { id: 'R1', country: 'DE', expertise: ['oncology'] },
        { id: 'R2', country: 'FR', expertise: ['cardiology'] },
      ],
      settings: { reviewersPerProposal: 1 },
      affinity: { mode: 'bids', bids: [{ proposalId: 'P1', reviewerId: 'R2', level: 'eager' }] },
    };
    // R1's unbid expertise match counts half (500); R2's "eager" bid counts in full.
    expect(optimal(solveAssignment(input)).assignments.map((a) => [a.reviewerId, a.affinity])).toEqual([
      ['R2', 1000],
    ]);
  });

  it('keeps fixed pairs and fills only what is left', () => {
    const input = randomAssignmentInput({ seed: 8, proposals: 20, reviewers: 10 });
    const first = optimal(solveAssignment(input));
    const fixed = first.assignments
      .filter((a) => a.affinity < 300)
      .map(({ proposalId, reviewerId }) => ({ proposalId, reviewerId }));
    expect(fixed.length).toBeGreaterThan(0);
    const again = optimal(solveAssignment({ ...input, fixed }));
    for (const f of fixed)
      expect(again.assignments).toContainEqual({ ...f, affinity: expect.any(Number), fixed: true });
    expect(validateAssignment({ ...input, fixed }, again)).toEqual([]);
  });
});

describe('infeasibility reports', () => {
  const reviewers = (count: number, country = (i: number) => ['DE', 'FR', 'IT', 'ES', 'NL'][i % 5]!) =>
    ids('R', count).map((id, i) => ({ id, country: country(i) }));

  it('names a proposal with too few non-conflicted reviewers', () => {
    const result = infeasible(
      solveAssignment({
        proposals: ids('P', 7).map((id) => ({ id })),
        reviewers: reviewers(9),
        conflicts: ids('R', 7).map((reviewerId) => ({ proposalId: 'P7', reviewerId })),
      }),
    );
    expect(result.binding).toEqual([
      {
        constraint: 'conflicts',
        message: 'P7 has only 2 non-conflicted reviewers (3 needed).',
        proposalIds: ['P7'],
        reviewerIds: [],
      },
    ]);
    expect(result.shortProposals).toEqual([
      { proposalId: 'P7', needed: 3, assigned: 2, permittedReviewers: 2 },
    ]);
  });

  it('reports total capacity', () => {
    const result = infeasible(
      solveAssignment({ proposals: ids('P', 100).map((id) => ({ id })), reviewers: reviewers(27) }),
    );
    expect(result.binding.map((b) => b.constraint)).toEqual(['total-capacity']);
    expect(result.binding[0]!.message).toMatch(/^Total capacity 270 < 300 needed/);
    expect(result.neededPairs).toBe(300);
    expect(result.possiblePairs).toBe(270);
    expect(result.shortProposals.reduce((sum, s) => sum + s.needed - s.assigned, 0)).toBe(30);
  });

  it('finds the group of proposals whose only reviewers are at maximum load', () => {
    // P1 and P2 may only use R1–R3 (each takes at most one proposal here): they need 4, R1–R3 give 3.
    const result = infeasible(
      solveAssignment({
        proposals: ids('P', 3).map((id) => ({ id })),
        reviewers: reviewers(6).map((r, i) => (i < 3 ? { ...r, maxLoad: 1 } : r)),
        settings: { reviewersPerProposal: 2 },
        conflicts: ['P1', 'P2'].flatMap((proposalId) =>
          ['R4', 'R5', 'R6'].map((reviewerId) => ({ proposalId, reviewerId })),
        ),
      }),
    );
    expect(result.binding).toHaveLength(1);
    expect(result.binding[0]).toMatchObject({
      constraint: 'max-load',
      proposalIds: ['P1', 'P2'],
      reviewerIds: ['R1', 'R2', 'R3'],
    });
    expect(result.binding[0]!.message).toContain('need 4 reviewers in total but can get at most 3');
  });

  it('names the country rule when permitted reviewers come from too few countries', () => {
    const result = infeasible(
      solveAssignment({
        proposals: [{ id: 'P1' }],
        reviewers: reviewers(6, (i) => (i % 2 === 0 ? 'DE' : 'FR')),
        settings: { distinctCountries: true },
      }),
    );
    expect(result.binding).toEqual([
      {
        constraint: 'distinct-countries',
        message: "P1's 6 permitted reviewers come from only 2 countries (3 needed, one per country).",
        proposalIds: ['P1'],
        reviewerIds: [],
      },
    ]);
  });

  it('names a reviewer whose minimum load cannot be met', () => {
    const result = infeasible(
      solveAssignment({
        proposals: ids('P', 4).map((id) => ({ id })),
        reviewers: reviewers(6).map((r) => (r.id === 'R1' ? { ...r, minLoad: 3 } : r)),
        settings: { reviewersPerProposal: 2 },
        conflicts: ['P1', 'P2'].map((proposalId) => ({ proposalId, reviewerId: 'R1' })),
      }),
    );
    expect(result.binding).toEqual([
      {
        constraint: 'min-load',
        message: 'R1 must review at least 3 proposals but only 2 are free of conflicts and declines.',
        proposalIds: [],
        reviewerIds: ['R1'],
      },
    ]);
    expect(result.shortReviewers).toEqual([{ reviewerId: 'R1', minLoad: 3, assigned: 2 }]);
  });

  it('refuses fixed pairs that break a hard constraint', () => {
    const result = infeasible(
      solveAssignment({
        proposals: [{ id: 'P1' }],
        reviewers: reviewers(4),
        conflicts: [{ proposalId: 'P1', reviewerId: 'R2' }],
        fixed: [{ proposalId: 'P1', reviewerId: 'R2' }],
      }),
    );
    expect(result.binding.map((b) => [b.constraint, b.message])).toEqual([
      ['fixed', 'The fixed pair R2 – P1 is conflicted.'],
    ]);
  });
});

describe('input checks', () => {
  it('rejects unknown ids and duplicate ids', () => {
    expect(() =>
      solveAssignment({
        proposals: [{ id: 'P1' }],
        reviewers: [],
        conflicts: [{ proposalId: 'P1', reviewerId: 'R9' }],
      }),
    ).toThrow(/unknown reviewer R9/);
    expect(() => solveAssignment({ proposals: [{ id: 'P1' }, { id: 'P1' }], reviewers: [] })).toThrow(
      /duplicate proposal id P1/,
    );
  });
});
