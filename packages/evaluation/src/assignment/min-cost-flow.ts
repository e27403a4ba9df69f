/**
 * Exact min-cost flow on integer capacities and integer costs: successive shortest paths with node
 * potentials (primal-dual). Each phase runs one Dijkstra on reduced costs, then pushes as many unit
 * paths as the zero-reduced-cost subgraph holds before the next Dijkstra, which is what makes
 * assignment networks (thousands of unit arcs of few distinct costs) fast.
 *
 * Invariant kept throughout: every arc with residual capacity has a non-negative reduced cost
 * `cost + potential[tail] - potential[head]`, for reachable and unreachable nodes alike. So the
 * final potentials are an optimality certificate (LP duals) that callers may use to price arcs that
 * were left out of the network.
 */

export type FlowGraph = {
  readonly nodeCount: number;
  readonly arcCount: number;
  /** Arc `a` and its reverse `a ^ 1` are stored side by side. */
  readonly tail: Int32Array;
  readonly head: Int32Array;
  readonly capacity: Int32Array;
  readonly cost: Float64Array;
  /** Arcs leaving node `v` are `adjArcs[adjStart[v] .. adjStart[v + 1])`. */
  readonly adjStart: Int32Array;
  readonly adjArcs: Int32Array;
};

export class FlowGraphBuilder {
  readonly nodeCount: number;
  private readonly tails: number[] = [];
  private readonly heads: number[] = [];
  private readonly capacities: number[] = [];
  private readonly costs: number[] = [];

  constructor(nodeCount: number) {
    this.nodeCount = nodeCount;
  }

  /** Adds an arc and returns its id; its reverse residual arc is `id ^ 1`. */
  addArc(from: number, to: number, capacity: number, cost: number): number {
    if (!Number.isSafeInteger(capacity) || capacity < 0)
      throw new RangeError(`capacity must be a non-negative integer`);
    if (!Number.isSafeInteger(cost)) throw new RangeError(`cost must be an integer, got ${cost}`);
    if (from < 0 || from >= this.nodeCount || to < 0 || to >= this.nodeCount)
      throw new RangeError('node out of range');
    const id = this.tails.length;
    this.tails.push(from, to);
    this.heads.push(to, from);
    this.capacities.push(capacity, 0);
    this.costs.push(cost, -cost);
    return id;
  }

  build(): FlowGraph {
    const arcCount = this.tails.length;
    const tail = Int32Array.from(this.tails);
    const adjStart = new Int32Array(this.nodeCount + 1);
    for (let a = 0; a < arcCount; a++) adjStart[tail[a]! + 1]!++;
    for (let v = 0; v < this.nodeCount; v++) adjStart[v + 1]! += adjStart[v]!;
    const fill = adjStart.slice(0, this.nodeCount);
    const adjArcs = new Int32Array(arcCount);
    for (let a = 0; a < arcCount; a++) adjArcs[fill[tail[a]!]!++] = a;
    return {
      nodeCount: this.nodeCount,
      arcCount,
      tail,
      head: Int32Array.from(this.heads),
      capacity: Int32Array.from(this.capacities),
      cost: Float64Array.from(this.costs),
      adjStart,
      adjArcs,
    };
  }
}

export type FlowSolution = {
  /** Units sent from source to sink. */
  flow: number;
  /** Total cost of the flow (exact: integer arithmetic within 2^53). */
  cost: number;
  /** Residual capacity per arc; the flow on a forward arc `a` is `capacity[a] - residual[a]`. */
  residual: Int32Array;
  /** Valid potentials for the final residual graph (reduced costs of residual arcs are ≥ 0). */
  potential: Float64Array;
  /** Dijkstra runs, for benchmarks. */
  phases: number;
  augmentations: number;
};

/**
 * Bellman-Ford from a virtual root joined to every node at cost 0: potentials that make every
 * residual arc's reduced cost non-negative, even with negative arc costs. Throws on a negative cycle.
 */
function settlePotentials(graph: FlowGraph, residual: Int32Array, potential: Float64Array): void {
  const { tail, head, cost, arcCount, nodeCount } = graph;
  for (let pass = 0; pass <= nodeCount; pass++) {
    let changed = false;
    for (let a = 0; a < arcCount; a++) {
      if (residual[a]! <= 0) continue;
      const candidate = potential[tail[a]!]! + cost[a]!;
      if (candidate < potential[head[a]!]!) {
        potential[head[a]!] = candidate;
        changed = true;
      }
    }
    if (!changed) return;
  }
  throw new Error('the network has a negative-cost cycle');
}

/** Sends up to `maxFlow` units from `source` to `sink` at minimum total cost. */
export function minCostFlow(
  graph: FlowGraph,
  source: number,
  sink: number,
  maxFlow = Infinity,
): FlowSolution {
  const n = graph.nodeCount;
  const { head, cost, adjStart, adjArcs } = graph;
  const residual = graph.capacity.slice();
  const potential = new Float64Array(n);
  settlePotentials(graph, residual, potential);

  const dist = new Float64Array(n);
  const done = new Uint8Array(n);
  const heapSize = graph.arcCount + n + 1;
  const heapKey = new Float64Array(heapSize);
  const heapNode = new Int32Array(heapSize);
  const iter = new Int32Array(n);
  const dead = new Uint8Array(n);
  const onPath = new Uint8Array(n);
  const pathNodes = new Int32Array(n + 1);
  const pathArcs = new Int32Array(n + 1);

  let flow = 0;
  let totalCost = 0;
  let phases = 0;
  let augmentations = 0;

  while (flow < maxFlow) {
    // Dijkstra on reduced costs, stopped as soon as the sink is settled.
    dist.fill(Infinity);
    done.fill(0);
    dist[source] = 0;
    heapKey[0] = 0;
    heapNode[0] = source;
    let size = 1;
    while (size > 0) {
      const d: number = heapKey[0] ?? 0;
      const u: number = heapNode[0] ?? 0;
      size--;
      if (size > 0) {
        // Sift the last element down from the root.
        const key = heapKey[size]!;
        const node = heapNode[size]!;
        let i = 0;
        for (;;) {
          let child = 2 * i + 1;
          if (child >= size) break;
          if (child + 1 < size && heapKey[child + 1]! < heapKey[child]!) child++;
          if (heapKey[child]! >= key) break;
          heapKey[i] = heapKey[child]!;
          heapNode[i] = heapNode[child]!;
          i = child;
        }
        heapKey[i] = key;
        heapNode[i] = node;
      }
      if (done[u] || d > dist[u]!) continue;
      done[u] = 1;
      if (u === sink) break;
      const pu = potential[u]!;
      for (let k: number = adjStart[u]!, end: number = adjStart[u + 1]!; k < end; k++) {
        const a: number = adjArcs[k]!;
        if (residual[a]! <= 0) continue;
        const v: number = head[a]!;
        if (done[v]) continue;
        const nd = d + cost[a]! + pu - potential[v]!;
        if (nd < dist[v]!) {
          dist[v] = nd;
          let i = size++;
          while (i > 0) {
            const parent = (i - 1) >> 1;
            if (heapKey[parent]! <= nd) break;
            heapKey[i] = heapKey[parent]!;
            heapNode[i] = heapNode[parent]!;
            i = parent;
          }
          heapKey[i] = nd;
          heapNode[i] = v;
        }
      }
    }
    if (!done[sink]) break;
    phases++;

    // Capping every unsettled node at the sink's distance keeps all reduced costs non-negative
    // (min(dist, D) is still a feasible distance labelling) without finishing Dijkstra.
    const cap = dist[sink]!;
    for (let v = 0; v < n; v++) potential[v]! += done[v] ? dist[v]! : cap;

    // Blocking flow on the admissible arcs (reduced cost exactly 0): iterative DFS with current-arc
    // pointers. Skipping nodes already on the path may miss a path through a zero-cost cycle; that
    // only ends the phase early, and the next Dijkstra finds it again.
    for (let v = 0; v < n; v++) iter[v] = adjStart[v]!;
    dead.fill(0);
    while (flow < maxFlow) {
      let depth = 0;
      pathNodes[0] = source;
      onPath[source] = 1;
      let found = false;
      while (depth >= 0) {
        const u = pathNodes[depth]!;
        if (u === sink) {
          found = true;
          break;
        }
        let advanced = false;
        const pu = potential[u]!;
        for (let end = adjStart[u + 1]!; iter[u]! < end; iter[u]!++) {
          const a = adjArcs[iter[u]!]!;
          const v = head[a]!;
          if (residual[a]! > 0 && !dead[v] && !onPath[v] && cost[a]! + pu - potential[v]! === 0) {
            pathArcs[depth] = a;
            depth++;
            pathNodes[depth] = v;
            onPath[v] = 1;
            advanced = true;
            break;
          }
        }
        if (!advanced) {
          dead[u] = 1;
          onPath[u] = 0;
          depth--;
          if (depth >= 0) iter[pathNodes[depth]!]!++;
        }
      }
      if (!found) break;
      let push = maxFlow - flow;
      for (let i = 0; i < depth; i++) push = Math.min(push, residual[pathArcs[i]!]!);
      for (let i = 0; i < depth; i++) {
        const a = pathArcs[i]!;
        residual[a]! -= push;
        residual[a ^ 1]! += push;
        totalCost += push * cost[a]!;
      }
      for (let i = 0; i <= depth; i++) onPath[pathNodes[i]!] = 0;
      flow += push;
      augmentations++;
    }
  }

  return { flow, cost: totalCost, residual, potential, phases, augmentations };
}

/** Nodes reachable from `from` through arcs with residual capacity: the source side of a minimum cut. */
export function residualReachable(graph: FlowGraph, residual: Int32Array, from: number): Uint8Array {
  const seen = new Uint8Array(graph.nodeCount);
  const stack = [from];
  seen[from] = 1;
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (let k = graph.adjStart[u]!, end = graph.adjStart[u + 1]!; k < end; k++) {
      const a = graph.adjArcs[k]!;
      const v = graph.head[a]!;
      if (residual[a]! > 0 && !seen[v]) {
        seen[v] = 1;
        stack.push(v);
      }
    }
  }
  return seen;
}
