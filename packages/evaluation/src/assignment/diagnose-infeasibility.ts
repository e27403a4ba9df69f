import {
  type AssignmentNetwork,
  type OpenProblem,
  proposalNode,
  reviewerNode,
  SOURCE,
} from './assignment-network.ts';
import type { BindingConstraint, InfeasibleAssignment } from './assignment-result.ts';
import { type FlowSolution, residualReachable } from './min-cost-flow.ts';
import { listIds, type PreparedAssignment } from './prepare-assignment.ts';

type Diagnosis = Omit<InfeasibleAssignment, 'inputHash' | 'parameters' | 'solver'>;

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/**
 * Explains an infeasible assignment from the maximum flow on the full network. Simple causes come
 * first (a proposal with too few permitted reviewers or countries, total capacity); then the
 * minimum cut: the proposals reachable from the source in the residual network form the canonical
 * group whose demand exceeds what their reviewers can still give (Hall's condition), and the cut
 * arcs say which constraint binds — reviewer loads or the one-per-country rule.
 */
export function diagnoseInfeasibility(
  prep: PreparedAssignment,
  open: OpenProblem,
  network: AssignmentNetwork,
  solution: FlowSolution,
): Diagnosis {
  const { n, m, k, proposalIds, reviewerIds, permitted, declined, countryOf } = prep;
  const { graph, sourceArc, reviewerLowerArc, reviewerUpperArc, countryNode } = network;
  const { residual } = solution;
  const binding: BindingConstraint[] = [];
  const countries = prep.countries.length;
  const distinct = prep.input.settings.distinctCountries;

  const flowOn = (arc: number) => (arc < 0 ? 0 : graph.capacity[arc]! - residual[arc]!);
  const assigned = Int32Array.from(open.fixedCount, (f, p) => f + flowOn(sourceArc[p]!));
  const load = Int32Array.from(
    open.fixedLoad,
    (f, r) => f + flowOn(reviewerLowerArc[r]!) + flowOn(reviewerUpperArc[r]!),
  );
  const permittedCount = new Int32Array(n);
  const explained = new Uint8Array(n);

  for (let p = 0; p < n; p++) {
    const countrySet = new Set<number>();
    let anyDeclined = false;
    for (let r = 0; r < m; r++) {
      if (permitted[p * m + r]) {
        permittedCount[p]!++;
        countrySet.add(countryOf[r]!);
      }
      if (declined[p * m + r]) anyDeclined = true;
    }
    if (permittedCount[p]! < k) {
      explained[p] = 1;
      binding.push({
        constraint: 'conflicts',
        message: `${proposalIds[p]} has only ${permittedCount[p]} non-conflicted${anyDeclined ? ', non-declined' : ''} ${permittedCount[p] === 1 ? 'reviewer' : 'reviewers'} (${k} needed).`,
        proposalIds: [proposalIds[p]!],
        reviewerIds: [],
      });
    } else if (distinct && countrySet.size < k) {
      explained[p] = 1;
      binding.push({
        constraint: 'distinct-countries',
        message: `${proposalIds[p]}'s ${permittedCount[p]} permitted reviewers come from only ${plural(countrySet.size, 'country', 'countries')} (${k} needed, one per country).`,
        proposalIds: [proposalIds[p]!],
        reviewerIds: [],
      });
    }
  }

  const needed = n * k;
  const totalMax = prep.maxLoad.reduce((a, b) => a + b, 0);
  const totalMin = prep.minLoad.reduce((a, b) => a + b, 0);
  if (totalMax < needed) {
    binding.push({
      constraint: 'total-capacity',
      message: `Total capacity ${totalMax} < ${needed} needed (${plural(n, 'proposal')} × ${k} reviewers; ${plural(m, 'reviewer')} within their maximum loads).`,
      proposalIds: [],
      reviewerIds: [],
    });
  }
  if (totalMin > needed) {
    binding.push({
      constraint: 'total-min-load',
      message: `Minimum loads add up to ${totalMin} > ${needed} assignments (${plural(n, 'proposal')} × ${k} reviewers).`,
      proposalIds: [],
      reviewerIds: [],
    });
  }

  if (solution.flow < network.neededFlow && totalMax >= needed) {
    const reach = residualReachable(graph, residual, SOURCE);
    const group: number[] = [];
    for (let p = 0; p < n; p++) if (reach[proposalNode(p)]) group.push(p);
    if (group.some((p) => !explained[p])) {
      const groupIds = group.map((p) => proposalIds[p]!);
      const reviewersLeft: string[] = [];
      for (let r = 0; r < m; r++) if (reach[reviewerNode(prep, r)]) reviewersLeft.push(reviewerIds[r]!);
      const need = group.length * k;
      const got = group.reduce((sum, p) => sum + assigned[p]!, 0);
      if (reviewersLeft.length > 0) {
        binding.push({
          constraint: 'max-load',
          message: `${listIds(groupIds)} need ${need} reviewers in total but can get at most ${got}: every permitted reviewer who could still take them (${listIds(reviewersLeft)}) is at maximum load.`,
          proposalIds: groupIds,
          reviewerIds: reviewersLeft,
        });
      }
      if (distinct) {
        const countryBound = group.filter((p) => {
          for (let c = 0; c < countries; c++) {
            const node = countryNode.get(p * countries + c);
            if (node !== undefined && !reach[node]) return true;
          }
          return false;
        });
        if (countryBound.length > 0) {
          binding.push({
            constraint: 'distinct-countries',
            message: `${listIds(countryBound.map((p) => proposalIds[p]!))} cannot all get ${k} reviewers from distinct countries: the countries still open to them have no reviewer with spare load.`,
            proposalIds: countryBound.map((p) => proposalIds[p]!),
            reviewerIds: reviewersLeft,
          });
        }
      }
    }
  }

  const shortReviewers: Diagnosis['shortReviewers'] = [];
  const groupedMin: string[] = [];
  const groupedMinIds: string[] = [];
  for (let r = 0; r < m; r++) {
    if (load[r]! >= prep.minLoad[r]!) continue;
    shortReviewers.push({ reviewerId: reviewerIds[r]!, minLoad: prep.minLoad[r]!, assigned: load[r]! });
    let free = 0;
    for (let p = 0; p < n; p++) if (permitted[p * m + r]) free++;
    if (free < prep.minLoad[r]!) {
      binding.push({
        constraint: 'min-load',
        message: `${reviewerIds[r]} must review at least ${prep.minLoad[r]} proposals but only ${free} are free of conflicts and declines.`,
        proposalIds: [],
        reviewerIds: [reviewerIds[r]!],
      });
    } else {
      groupedMin.push(`${reviewerIds[r]} (${load[r]} of ${prep.minLoad[r]})`);
      groupedMinIds.push(reviewerIds[r]!);
    }
  }
  if (groupedMin.length > 0 && totalMin <= needed) {
    binding.push({
      constraint: 'min-load',
      message: `The minimum loads of ${listIds(groupedMin)} cannot be met while every proposal gets exactly ${k} reviewers within the other constraints.`,
      proposalIds: [],
      reviewerIds: groupedMinIds,
    });
  }

  return {
    status: 'infeasible',
    neededPairs: needed,
    possiblePairs: assigned.reduce((a, b) => a + b, 0),
    shortProposals: [...Array(n).keys()]
      .filter((p) => assigned[p]! < k)
      .map((p) => ({
        proposalId: proposalIds[p]!,
        needed: k,
        assigned: assigned[p]!,
        permittedReviewers: permittedCount[p]!,
      })),
    shortReviewers,
    binding,
  };
}
