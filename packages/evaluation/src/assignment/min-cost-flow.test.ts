import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowGraphBuilder, minCostFlow, residualReachable } from './min-cost-flow.ts';

describe('minCostFlow', () => {
  it('solves a hand-checked network', () => {
    // 0 → 1 → 3 costs 1 + 1 (capacity 2), 0 → 2 → 3 costs 2 + 3 (capacity 2), 1 → 2 costs 0.
    // Three units: two along the cheap path (cost 4), one along the dear one (cost 5) = 9.
    const b = new FlowGraphBuilder(4);
    b.addArc(0, 1, 2, 1);
    b.addArc(1, 3, 2, 1);
    b.addArc(0, 2, 2, 2);
    b.addArc(2, 3, 2, 3);
    b.addArc(1, 2, 1, 0);
    const graph = b.build();
    const result = minCostFlow(graph, 0, 3, 3);
    expect(result.flow).toBe(3);
    expect(result.cost).toBe(9);
    expect(minCostFlow(graph, 0, 3).flow).toBe(4);
    expect(minCostFlow(graph, 0, 3).cost).toBe(14);
  });

  it('handles negative arc costs from the start (lower bounds modelled as −BIG)', () => {
    const b = new FlowGraphBuilder(3);
    b.addArc(0, 1, 1, 5);
    b.addArc(1, 2, 1, -100);
    b.addArc(0, 2, 1, 0);
    const result = minCostFlow(b.build(), 0, 2, 1);
    expect(result).toMatchObject({ flow: 1, cost: -95 });
  });

  it('marks the source side of a minimum cut', () => {
    const b = new FlowGraphBuilder(4);
    b.addArc(0, 1, 5, 0);
    b.addArc(1, 3, 1, 0);
    b.addArc(0, 2, 1, 0);
    b.addArc(2, 3, 9, 0);
    const graph = b.build();
    const result = minCostFlow(graph, 0, 3);
    expect(result.flow).toBe(2);
    expect([...residualReachable(graph, result.residual, 0)]).toEqual([1, 1, 0, 0]);
  });

  it('leaves potentials under which no residual arc has a negative reduced cost (the optimality certificate)', () => {
    const arc = fc.record({
      from: fc.integer({ min: 0, max: 6 }),
      to: fc.integer({ min: 0, max: 6 }),
      capacity: fc.integer({ min: 0, max: 3 }),
      cost: fc.integer({ min: 0, max: 20 }),
    });
    fc.assert(
      fc.property(fc.array(arc, { maxLength: 25 }), fc.integer({ min: 0, max: 10 }), (arcs, want) => {
        const b = new FlowGraphBuilder(7);
        for (const a of arcs) if (a.from !== a.to) b.addArc(a.from, a.to, a.capacity, a.cost);
        const graph = b.build();
        const result = minCostFlow(graph, 0, 6, want);
        expect(result.flow).toBeLessThanOrEqual(want);
        for (let a = 0; a < graph.arcCount; a++) {
          if (result.residual[a]! <= 0) continue;
          const reduced =
            graph.cost[a]! + result.potential[graph.tail[a]!]! - result.potential[graph.head[a]!]!;
          expect(reduced).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('refuses fractional costs: exactness depends on integers', () => {
    expect(() => new FlowGraphBuilder(2).addArc(0, 1, 1, 0.5)).toThrow(RangeError);
  });
});
