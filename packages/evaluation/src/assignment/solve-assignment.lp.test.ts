import * as highsModule from 'highs';
import type { LegacyHighs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AssignmentInput } from './assignment-input.ts';
import { greedyAssignment } from './greedy-assignment.ts';
import { prepareAssignment } from './prepare-assignment.ts';
import { randomAssignmentInput } from './random-instance.ts';
import { solveAssignment } from './solve-assignment.ts';
import { validateAssignment } from './validate-assignment.ts';

// highs ships CommonJS typings beside its ES build: at run time the namespace's default is the loader.
const loadHighs = highsModule.default as unknown as () => Promise<LegacyHighs>;
let highs: LegacyHighs;
beforeAll(async () => {
  highs = await loadHighs();
});

/**
 * The same problem as a (mixed-integer) linear programme in CPLEX LP format for HiGHS, an
 * independent solver. Affinities come from prepareAssignment so both sides optimise the same numbers.
 */
function toLp(input: AssignmentInput, integer: boolean): string {
  const prep = prepareAssignment(input);
  const { n, m, k, affinity, permitted } = prep;
  const x = (p: number, r: number) => `x_${p}_${r}`;
  const vars: [number, number][] = [];
  for (let p = 0; p < n; p++) for (let r = 0; r < m; r++) if (permitted[p * m + r]) vars.push([p, r]);
  // Short lines: the LP format is line-oriented and some readers cap line length.
  const sum = (terms: string[]) =>
    terms.reduce((text, t, i) => text + (i === 0 ? ' ' : i % 8 === 0 ? '\n + ' : ' + ') + t, '');
  const rows: string[] = [];
  for (let p = 0; p < n; p++)
    rows.push(` p${p}:${sum(vars.filter(([q]) => q === p).map(([q, r]) => x(q, r)))} = ${k}`);
  for (let r = 0; r < m; r++) {
    const terms = vars.filter(([, s]) => s === r).map(([p, s]) => x(p, s));
    if (terms.length === 0) continue;
    rows.push(` max${r}:${sum(terms)} <= ${prep.maxLoad[r]}`);
    if (prep.minLoad[r]! > 0) rows.push(` min${r}:${sum(terms)} >= ${prep.minLoad[r]}`);
  }
  if (input.settings.distinctCountries) {
    for (let p = 0; p < n; p++) {
      prep.countries.forEach((_, c) => {
        const terms = vars.filter(([q, r]) => q === p && prep.countryOf[r] === c).map(([q, r]) => x(q, r));
        if (terms.length > 1) rows.push(` c${p}_${c}:${sum(terms)} <= 1`);
      });
    }
  }
  return [
    'Maximize',
    ` obj:${sum(vars.map(([p, r]) => `${affinity[p * m + r]} ${x(p, r)}`))}`,
    'Subject To',
    ...rows,
    'Bounds',
    ...vars.map(([p, r]) => ` 0 <= ${x(p, r)} <= 1`),
    ...(integer ? ['Binary', ...vars.map(([p, r]) => ` ${x(p, r)}`)] : []),
    'End',
  ].join('\n');
}

describe('solveAssignment against HiGHS at 200 proposals × 60 reviewers', () => {
  const cases: { name: string; input: AssignmentInput; integer: boolean }[] = [
    {
      name: 'LP relaxation (integral: totally unimodular)',
      input: randomAssignmentInput({ seed: 11, proposals: 200, reviewers: 60, maxLoad: 11 }),
      integer: false,
    },
    {
      name: 'LP relaxation with minimum loads',
      input: randomAssignmentInput({ seed: 12, proposals: 200, reviewers: 60, maxLoad: 12, minLoad: 8 }),
      integer: false,
    },
    {
      name: 'MILP with one reviewer per country',
      input: randomAssignmentInput({
        seed: 13,
        proposals: 200,
        reviewers: 60,
        maxLoad: 11,
        distinctCountries: true,
      }),
      integer: true,
    },
  ];

  for (const { name, input, integer } of cases) {
    it(`equals ${name}`, () => {
      const result = solveAssignment(input);
      const lp = highs.solve(toLp(input, integer));
      expect(lp.Status).toBe('Optimal');
      expect(result.status).toBe('optimal');
      if (result.status !== 'optimal') return;
      expect(result.objective.totalAffinity).toBe(Math.round(lp.ObjectiveValue));
      // HiGHS reports a float; an integral optimum is the point of total unimodularity (and of the MILP).
      expect(Math.abs(lp.ObjectiveValue - Math.round(lp.ObjectiveValue))).toBeLessThan(1e-6);
      expect(validateAssignment(input, result)).toEqual([]);
      const greedy = greedyAssignment(input);
      if (greedy.complete)
        expect(result.objective.totalAffinity).toBeGreaterThanOrEqual(greedy.totalAffinity);
    }, 120_000);
  }
});
