// One test per cell of the authorisation matrix (matrix.ts): the cell's request, sent as its role in
// its stage of the world (world.ts), must get the cell's answer. Beyond the status and problem code:
// - a refused write changes nothing (the world's fingerprint of every table a route writes, and the
//   count of audit rows, are the same before and after);
// - an accepted write that changed something wrote audit rows naming its actor;
// - a property-level row is refused with 400 naming exactly the smuggled fields as unknown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cells, fillPath, roleLabels, stageLabels, stages, type Cell, type Operation } from './matrix.ts';
import { createWorld, type Request, type World } from './world.ts';

let world: World;
let started = 0;

beforeAll(async () => {
  started = Date.now();
  world = await createWorld();
});
afterAll(async () => {
  if (world?.workarounds.length) console.warn(`[authz] world workarounds: ${world.workarounds.join('; ')}`);
  console.log(`[authz] ${cells().length} cells in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await world?.close();
});

async function requestOf(op: Operation): Promise<Request> {
  const live = world.live;
  const url = fillPath(op.path, world.refs);
  const headers = { ...((await op.headers?.(live)) ?? {}) };
  if (op.upload) {
    const file = world.multipart(await live.pdf());
    return { method: op.method, url, payload: file.payload, headers: { ...headers, ...file.headers } };
  }
  const body = op.body ? await op.body(live) : undefined;
  return { method: op.method, url, ...(body === undefined ? {} : { payload: body }), headers };
}

const answerOf = (status: number, body: unknown): string => {
  const code = (body as { code?: unknown } | null)?.code;
  return status >= 400 && typeof code === 'string' ? `${status} ${code}` : String(status);
};

async function check({ op, role, expected }: Cell): Promise<void> {
  await op.prepare?.(world.live);
  try {
    const request = await requestOf(op);
    const write = op.method !== 'GET';
    const before = write ? await world.fingerprint() : null;
    const auditFrom = write ? await world.lastAuditId() : 0;
    const res = await world.send(role, request);
    let body: unknown = null;
    try {
      body = res.json();
    } catch {
      body = null;
    }
    expect(
      answerOf(res.statusCode, body),
      `${request.method} ${request.url} → ${res.body.slice(0, 400)}`,
    ).toBe(expected);
    if (res.statusCode >= 400) {
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
    }
    if (op.visible && res.statusCode < 300) {
      expect(op.visible({ role, stage: world.stage, refs: world.refs, body, text: res.body })).toEqual([]);
    }
    if (op.smuggled && res.statusCode === 400) {
      const errors = (body as { errors: { in: string; path: string; code: string }[] }).errors;
      expect(
        errors
          .filter((e) => e.code === 'unrecognized_keys')
          .map((e) => e.path)
          .sort(),
      ).toEqual(op.smuggled.map((f) => `/${f}`).sort());
      expect(errors.every((e) => e.in === 'body')).toBe(true);
    }
    if (before) {
      const after = await world.fingerprint();
      if (res.statusCode >= 300) {
        expect(after, 'a refused request changed something').toEqual(before);
      } else if (after.data !== before.data) {
        // A state change is audited with its actor, in the same transaction.
        const audit = await world.auditAfter(auditFrom);
        expect(audit.length, 'a change without an audit row').toBeGreaterThan(0);
        const actor = world.users[role]?.id ?? null;
        expect(audit.filter((a) => a.actorUserId === actor).length, JSON.stringify(audit)).toBeGreaterThan(0);
      }
    }
  } finally {
    await op.cleanup?.(world.live);
  }
}

const nameOf = ({ op, role, stage, expected }: Cell) =>
  `${roleLabels[role].name} · ${op.action} · ${op.resource} [${op.id}] · ${stageLabels[stage].title} → ${expected}`;

for (const stage of stages) {
  describe(`stage: ${stageLabels[stage].title}`, () => {
    beforeAll(async () => {
      await world.advanceTo(stage);
    });
    it(`the world is in the stage "${stage}"`, () => {
      expect(world.stage).toBe(stage);
    });
    for (const cell of cells(stage)) it(nameOf(cell), () => check(cell));
  });
}
