import { connect } from 'node:net';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { createBlobStore, type BlobStore } from '@permed/blobs';
import { createPdfInspector, type InspectionLimitsInput, type PdfInspector } from '@permed/documents';
import { schema, sha256Hex } from '@permed/db';
import {
  assemblePdf,
  deflateBombPdf,
  embeddedFilePdf,
  encryptedPdf,
  hexEscapedOpenActionPdf,
  javaScriptInObjectStreamPdf,
  htmlNamedPdf,
  launchActionPdf,
  onePageObjects,
  openActionJavaScriptPdf,
  overPageLimitPdf,
  truncatedPdf,
  validPdf,
  zipThenPdfPolyglot,
} from '@permed/documents/testing';
import type { TestUser } from '@permed/testing';
import { collectProposalOrphans } from './collect-orphans.ts';
import {
  completeProposal,
  createWorld,
  multipart,
  uploadConditions,
  type World,
} from './testing/factories.ts';

/** A blob store that reports each spooling attempt's outcome, to wait for an interrupted upload. */
function observedStore(root: string) {
  const inner = createBlobStore(root);
  const outcomes: ('staged' | 'failed')[] = [];
  const store: BlobStore = {
    ...inner,
    async spool(source, options) {
      try {
        const staged = await inner.spool(source as Readable, options);
        outcomes.push('staged');
        return staged;
      } catch (error) {
        outcomes.push('failed');
        throw error;
      }
    },
  };
  return { store, outcomes };
}

/**
 * While set, every inspection waits until `count` of them have arrived: concurrent uploads are
 * then all past their early checks (and their files spooled) before any of them reaches its
 * transaction.
 */
let gate: { arrive(): Promise<void> } | null = null;
/** While set, overrides the limits every inspection gets (a test of the time limit sets it low). */
let limitsOverride: InspectionLimitsInput | null = null;
function gateFor(count: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    async arrive() {
      if (++arrived >= count) open();
      await opened;
    },
  };
}

let world: World;
let coordinator: TestUser;
let proposalId: string;
let observed: ReturnType<typeof observedStore>;
let blobRoot: string;

beforeAll(async () => {
  const dir = path.join((await import('node:os')).tmpdir(), `uploads-${Date.now()}`);
  blobRoot = path.join(dir, 'blobs');
  observed = observedStore(blobRoot);
  const real = createPdfInspector({ concurrency: 2 });
  const inspector: PdfInspector = {
    async inspect(input, limits) {
      await gate?.arrive();
      return real.inspect(input, { ...limits, ...limitsOverride });
    },
  };
  world = await createWorld({ extras: { blobs: observed.store, inspector } });
  await world.publishCall('upload-call');
  await world.publishCall('tiny-call', {}, { documents: { maxPages: 10, maxBytes: 4096 } });
  coordinator = await world.ctx.user([], 'coordinator');
  proposalId = await newProposal('upload-call');
});

/** A complete proposal of the coordinator's in a call; its id. */
async function newProposal(callSlug: string): Promise<string> {
  const res = await world.app.inject({
    method: 'POST',
    url: '/api/proposals',
    headers: coordinator.auth,
    payload: completeProposal(callSlug),
  });
  return res.json().id as string;
}
afterAll(async () => {
  await world.close();
});

async function filesUnder(root: string): Promise<string[]> {
  try {
    return (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
      .sort();
  } catch {
    return [];
  }
}

async function documentRows(id: string) {
  return world.ctx.db.db
    .select()
    .from(schema.proposalDocuments)
    .where(eq(schema.proposalDocuments.proposalId, id));
}

const upload = async (
  id: string,
  bytes: Uint8Array,
  name = 'proposal.pdf',
  user = coordinator,
  kind: 'proposal' | 'annex' = 'proposal',
) => {
  const body = multipart(bytes, name);
  return world.app.inject({
    method: 'PUT',
    url: `/api/proposals/${id}/documents/${kind}`,
    headers: { ...user.auth, ...body.headers, ...(await uploadConditions(world.ctx.db.db, id, kind)) },
    payload: body.payload,
  });
};

describe('uploading the proposal PDF', () => {
  it('stores a valid PDF under its SHA-256 and keeps the sanitised name as metadata only', async () => {
    const bytes = await validPdf({ pages: 2 });
    const res = await upload(proposalId, bytes, '../../etc/‮fdp.exe');
    expect(res.statusCode, res.body).toBe(200);
    const sha = sha256Hex(bytes);
    expect(res.json()).toMatchObject({ kind: 'proposal', sha256: sha, bytes: bytes.byteLength, pages: 2 });
    expect(res.json().fileName).not.toMatch(/[/\\\u202e]/);
    expect(await filesUnder(blobRoot)).toEqual([path.join(sha.slice(0, 2), sha)]);
    const download = await world.app.inject({
      url: `/api/proposals/${proposalId}/documents/proposal`,
      headers: coordinator.auth,
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe('attachment; filename=fdp.pdf');
    expect(sha256Hex(download.rawPayload)).toBe(sha);
    const audit = await world.ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'proposal.document_uploaded'),
          eq(schema.auditEvents.targetId, proposalId),
        ),
      );
    expect(audit).toMatchObject([{ actorUserId: coordinator.id, details: { sha256: sha } }]);
  });

  it('offers every upload under a name ending in .pdf, whatever was sent, in a safe Content-Disposition', async () => {
    // A valid PDF that also carries HTML and a script in a comment, sent as "x.html".
    const polyglot = assemblePdf({
      objects: onePageObjects().map((o) =>
        o.id === 2
          ? { ...o, body: [o.body as string, '\n%<html><script>alert(document.domain)</script>\n'] }
          : o,
      ),
      trailer: '/Root 1 0 R',
    });
    const cases: Array<[string, string, RegExp]> = [
      ['x.html', 'x.pdf', /^attachment; filename=x\.pdf$/],
      ['invoice\u202Efdp.exe', 'invoicefdp.pdf', /^attachment; filename=invoicefdp\.pdf$/],
      // A NUL in the multipart file name: the edge guard does not see multipart bodies, the name does.
      ['a\u0000b.html', 'ab.pdf', /^attachment; filename=ab\.pdf$/],
      [
        "Łódź (final)'s.htm",
        "Łódź (final)'s.pdf",
        /^attachment; filename="_odz \(final\)'s\.pdf"; filename\*=UTF-8''%C5%81%C3%B3d%C5%BA%20%28final%29%27s\.pdf$/,
      ],
    ];
    const id = await newProposal('upload-call');
    for (const [sent, stored, header] of cases) {
      const res = await upload(id, polyglot, sent);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().fileName).toBe(stored);
      const download = await world.app.inject({
        url: `/api/proposals/${id}/documents/proposal`,
        headers: coordinator.auth,
      });
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(download.headers['content-disposition']).toMatch(header);
    }
    // The name as sent stays in the audit trail, made storable (jsonb holds no NUL).
    const audited = await world.ctx.db.db
      .select({ details: schema.auditEvents.details })
      .from(schema.auditEvents)
      .where(
        and(eq(schema.auditEvents.action, 'proposal.document_uploaded'), eq(schema.auditEvents.targetId, id)),
      )
      .orderBy(schema.auditEvents.id);
    expect(audited.map((a) => (a.details as { sentFileName?: string }).sentFileName)).toEqual([
      'x.html',
      'invoice\u202Efdp.exe',
      'a\ufffdb.html',
      "Łódź (final)'s.htm",
    ]);
    // A row stored before names were forced to .pdf is still offered as one.
    await world.ctx.db.db
      .update(schema.proposalDocuments)
      .set({ fileName: 'legacy.html' })
      .where(eq(schema.proposalDocuments.proposalId, id));
    const legacy = await world.app.inject({
      url: `/api/proposals/${id}/documents/proposal`,
      headers: coordinator.auth,
    });
    expect(legacy.headers['content-disposition']).toBe('attachment; filename=legacy.pdf');
  });

  it('replaces the previous document of the same kind', async () => {
    const next = await validPdf({ pages: 4 });
    const res = await upload(proposalId, next, 'v2.pdf');
    expect(res.statusCode).toBe(200);
    const rows = await documentRows(proposalId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sha256: sha256Hex(next), pages: 4, fileName: 'v2.pdf' });
  });
});

describe('refused uploads leave no file and no row behind', () => {
  const hostile: [string, () => Uint8Array | Promise<Uint8Array>, number, string][] = [
    ['HTML that claims to be a PDF', () => htmlNamedPdf().bytes, 415, 'NOT_A_PDF'],
    ['ZIP first, PDF after (polyglot)', () => zipThenPdfPolyglot(), 415, 'NOT_A_PDF'],
    ['encrypted', () => encryptedPdf(), 422, 'ENCRYPTED'],
    ['JavaScript on open', () => openActionJavaScriptPdf(), 422, 'ACTIVE_CONTENT'],
    ['Launch action', () => launchActionPdf(), 422, 'ACTIVE_CONTENT'],
    [
      'OpenAction spelled with a hex escape (/Open#41ction)',
      () => hexEscapedOpenActionPdf(),
      422,
      'ACTIVE_CONTENT',
    ],
    [
      'JavaScript inside a compressed object stream',
      () => javaScriptInObjectStreamPdf(),
      422,
      'ACTIVE_CONTENT',
    ],
    ['an embedded executable', () => embeddedFilePdf(), 422, 'ACTIVE_CONTENT'],
    [
      'a 1 GiB deflate bomb in an object stream',
      () => deflateBombPdf({ location: 'object-stream' }),
      422,
      'PARSE_RESOURCE_LIMIT',
    ],
    ['over the page limit', () => overPageLimitPdf(10), 422, 'TOO_MANY_PAGES'],
    ['truncated', () => truncatedPdf(), 422, 'UNPARSABLE'],
  ];
  it.each(hostile)('%s', async (_name, make, status, reason) => {
    const before = { files: await filesUnder(blobRoot), rows: await documentRows(proposalId) };
    const bytes = await make();
    const res = await upload(proposalId, bytes, 'innocent.pdf');
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ reason, errors: [{ in: 'file', path: '/file', code: reason }] });
    expect(await filesUnder(blobRoot)).toEqual(before.files);
    expect(await documentRows(proposalId)).toEqual(before.rows);
    // The refusal is audited with the file's own hash (a file sent again is recognisable).
    const [audit] = await world.ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'proposal.document_refused'))
      .orderBy(desc(schema.auditEvents.id))
      .limit(1);
    expect(audit?.details).toMatchObject({ reason, sha256: sha256Hex(bytes), bytes: bytes.byteLength });
  });

  it('refuses a file whose inspection runs past the time limit (422 PARSE_TIMEOUT), leaving nothing', async () => {
    // 4 GiB of zeros in one content stream, about 4 MB on the wire: with the decode budget lifted,
    // only the wall-clock limit stops the worker inflating it.
    const bytes = deflateBombPdf({ location: 'content-stream', inflatedBytes: 4 * 1024 ** 3 });
    const before = { files: await filesUnder(blobRoot), rows: await documentRows(proposalId) };
    limitsOverride = { timeoutMs: 400, maxDecodedBytes: Number.MAX_SAFE_INTEGER };
    try {
      const res = await upload(proposalId, bytes, 'slow.pdf');
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        reason: 'PARSE_TIMEOUT',
        errors: [{ in: 'file', path: '/file', code: 'PARSE_TIMEOUT' }],
      });
    } finally {
      limitsOverride = null;
    }
    expect(await filesUnder(blobRoot)).toEqual(before.files);
    expect(await documentRows(proposalId)).toEqual(before.rows);
    // The terminated worker is replaced: the next upload is inspected as usual.
    const next = await upload(proposalId, await validPdf({ pages: 1 }));
    expect(next.statusCode).toBe(200);
  });

  it("refuses a file over the call's size limit with 413, leaving nothing", async () => {
    const tiny = await newProposal('tiny-call');
    const before = await filesUnder(blobRoot);
    const big = Buffer.concat([Buffer.from(await validPdf({ pages: 10 })), Buffer.alloc(8000, 0x20)]);
    const res = await upload(tiny, big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', reason: 'TOO_LARGE', maxBytes: 4096 });
    expect(await filesUnder(blobRoot)).toEqual(before);
    expect(await documentRows(tiny)).toEqual([]);
  });

  it('refuses a body that is not multipart (415) and a multipart without a file part', async () => {
    const conditions = await uploadConditions(world.ctx.db.db, proposalId);
    const json = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${proposalId}/documents/proposal`,
      headers: { ...coordinator.auth, ...conditions },
      payload: { file: 'JVBERi0xLjQ=' },
    });
    expect(json.statusCode).toBe(415);
    const boundary = 'xyz';
    const fieldOnly = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${proposalId}/documents/proposal`,
      headers: {
        ...coordinator.auth,
        ...conditions,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
    });
    expect(fieldOnly.statusCode).toBe(400);
    expect(fieldOnly.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(fieldOnly.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '/file' }] });
  });

  it('refuses a second file part (one file per request), keeping neither file', async () => {
    const before = { files: await filesUnder(blobRoot), rows: await documentRows(proposalId) };
    const one = multipart(await validPdf({ pages: 2 }), 'one.pdf');
    const boundary = one.headers['content-type']!.split('boundary=')[1]!;
    const second = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="two.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      Buffer.from(await validPdf({ pages: 3 })),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    // The first part as the helper builds it, without its closing delimiter, then a second part.
    const payload = Buffer.concat([
      one.payload.subarray(0, one.payload.length - `--${boundary}--\r\n`.length),
      second,
    ]);
    const res = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${proposalId}/documents/proposal`,
      headers: {
        ...coordinator.auth,
        ...one.headers,
        ...(await uploadConditions(world.ctx.db.db, proposalId)),
      },
      payload,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ errors: [{ in: 'body', path: '/file', code: 'TOO_MANY_PARTS' }] });
    expect(await filesUnder(blobRoot)).toEqual(before.files);
    expect(await documentRows(proposalId)).toEqual(before.rows);
  });

  it('refuses viewers (403) and other consortia (404) before reading the file', async () => {
    const viewer = await world.ctx.user(
      [{ role: 'applicant', scopeType: 'proposal', scopeId: proposalId, subRole: 'viewer' }],
      'viewer',
    );
    await world.ctx.db.db.insert(schema.proposalMembers).values({
      proposalId,
      userId: viewer.id,
      role: 'viewer',
      partnerId: null,
      addedAt: world.ctx.clock.now(),
    });
    const attempts = observed.outcomes.length;
    expect((await upload(proposalId, await validPdf(), 'x.pdf', viewer)).statusCode).toBe(403);
    const other = await world.ctx.user(
      [{ role: 'applicant', scopeType: 'proposal', scopeId: 'other' }],
      'other',
    );
    expect((await upload(proposalId, await validPdf(), 'x.pdf', other)).statusCode).toBe(404);
    expect(observed.outcomes.length).toBe(attempts);
  });

  it('cleans up after a client that disconnects mid-upload (real listening server)', async () => {
    const address = await world.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const before = { files: await filesUnder(blobRoot), rows: await documentRows(proposalId) };
    const attempts = observed.outcomes.length;
    const boundary = 'cut-here';
    const total = 2 * 1024 * 1024;
    const conditions = Object.entries(await uploadConditions(world.ctx.db.db, proposalId));
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      [
        `PUT /api/proposals/${proposalId}/documents/proposal HTTP/1.1`,
        'Host: 127.0.0.1',
        `Authorization: ${coordinator.auth.authorization}`,
        ...conditions.map(([name, value]) => `${name}: ${value}`),
        `Content-Type: multipart/form-data; boundary=${boundary}`,
        `Content-Length: ${total}`,
        '',
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
      ].join('\r\n'),
    );
    // Send part of the body, wait until the server is streaming it to disk, then vanish.
    for (let i = 0; i < 8; i++) {
      socket.write(Buffer.alloc(64 * 1024, 0x20));
      await new Promise((r) => setTimeout(r, 20));
    }
    const tmp = path.join(blobRoot, 'tmp');
    const deadline = Date.now() + 10_000;
    while ((await filesUnder(tmp)).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect((await filesUnder(tmp)).length).toBe(1);
    socket.destroy();
    while (observed.outcomes.length === attempts && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(observed.outcomes.slice(attempts)).toEqual(['failed']);
    expect(await filesUnder(blobRoot)).toEqual(before.files);
    expect(await documentRows(proposalId)).toEqual(before.rows);
  });
});

describe('malformed multipart bodies', () => {
  /** The port of the app, listening (an earlier test may have started it already). */
  async function port(): Promise<number> {
    const address = world.app.server.address();
    if (address && typeof address === 'object') return address.port;
    return Number(new URL(await world.app.listen({ host: '127.0.0.1', port: 0 })).port);
  }

  it('answers 400 MALFORMED_MULTIPART with the reason, keeping no file and no row', async () => {
    const before = { files: await filesUnder(blobRoot), rows: await documentRows(proposalId) };
    const conditions = await uploadConditions(world.ctx.db.db, proposalId);
    const good = multipart(await validPdf());
    const boundary = good.headers['content-type']!.split('boundary=')[1]!;
    const cases: Array<[string, string, Buffer | string, string, string]> = [
      ['no boundary', 'multipart/form-data', good.payload, 'headers', 'BOUNDARY_MISSING'],
      [
        'a boundary over 256 characters',
        `multipart/form-data; boundary=${'b'.repeat(300)}`,
        good.payload,
        'headers',
        'BOUNDARY_INVALID',
      ],
      [
        'no closing boundary',
        good.headers['content-type']!,
        good.payload.subarray(0, good.payload.length - `\r\n--${boundary}--\r\n`.length),
        'body',
        'MISSING_CLOSING_BOUNDARY',
      ],
      [
        'a body without the announced boundary',
        'multipart/form-data; boundary=not-in-the-body',
        good.payload,
        'body',
        'MISSING_CLOSING_BOUNDARY',
      ],
      [
        'a body that is not multipart at all',
        good.headers['content-type']!,
        'hello',
        'body',
        'MISSING_CLOSING_BOUNDARY',
      ],
    ];
    for (const [what, contentType, payload, where, code] of cases) {
      const res = await world.app.inject({
        method: 'PUT',
        url: `/api/proposals/${proposalId}/documents/proposal`,
        headers: { ...coordinator.auth, ...conditions, 'content-type': contentType },
        payload,
      });
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json(), what).toMatchObject({ code: 'MALFORMED_MULTIPART', errors: [{ in: where, code }] });
    }
    expect(await filesUnder(blobRoot)).toEqual(before.files);
    expect(await documentRows(proposalId)).toEqual(before.rows);
  });

  it('answers a client that ends its side half-way through the file with problem+json 400 (real socket)', async () => {
    const before = { files: await filesUnder(blobRoot), rows: await documentRows(proposalId) };
    const conditions = Object.entries(await uploadConditions(world.ctx.db.db, proposalId));
    const boundary = 'half-way';
    const socket = connect(await port(), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      [
        `PUT /api/proposals/${proposalId}/documents/proposal HTTP/1.1`,
        'Host: 127.0.0.1',
        `Authorization: ${coordinator.auth.authorization}`,
        ...conditions.map(([name, value]) => `${name}: ${value}`),
        `Content-Type: multipart/form-data; boundary=${boundary}`,
        `Content-Length: ${1024 * 1024}`,
        '',
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
      ].join('\r\n'),
    );
    socket.write(Buffer.alloc(64 * 1024, 0x20));
    await new Promise((r) => setTimeout(r, 50));
    // Half-close: the client sends FIN but still reads the answer.
    socket.end();
    await closed;
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(body)).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      errors: [{ in: 'body', code: 'BODY_INCOMPLETE' }],
    });
    // The route saw its request end too: the spooled part is gone and nothing was recorded.
    const deadline = Date.now() + 5_000;
    while ((await filesUnder(blobRoot)).length !== before.files.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await filesUnder(blobRoot)).toEqual(before.files);
    expect(await documentRows(proposalId)).toEqual(before.rows);
  });
});

describe('no lost uploads: an upload names the document it replaces', () => {
  /** A proposal of its own, so that these tests do not depend on the order of the others. */
  let id: string;
  beforeAll(async () => {
    id = await newProposal('upload-call');
  });
  const put = async (bytes: Uint8Array, conditions: Record<string, string>) => {
    const body = multipart(bytes, 'tab.pdf');
    return world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${id}/documents/proposal`,
      headers: { ...coordinator.auth, ...body.headers, ...conditions },
      payload: body.payload,
    });
  };

  it('refuses an upload without a precondition (428) before reading the file', async () => {
    const attempts = observed.outcomes.length;
    const res = await put(await validPdf(), {});
    expect(res.statusCode).toBe(428);
    expect(res.json()).toMatchObject({ code: 'PRECONDITION_REQUIRED' });
    expect(observed.outcomes.length).toBe(attempts);
    expect(await documentRows(id)).toEqual([]);
  });

  it('takes the first document with If-None-Match: *, then refuses a second "first" one (412)', async () => {
    const first = await validPdf({ pages: 2 });
    const created = await put(first, { 'if-none-match': '*' });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.headers.etag).toBe(`"${sha256Hex(first)}"`);
    const attempts = observed.outcomes.length;
    const again = await put(await validPdf({ pages: 3 }), { 'if-none-match': '*' });
    expect(again.statusCode).toBe(412);
    expect(again.headers.etag).toBe(`"${sha256Hex(first)}"`);
    expect(again.json()).toMatchObject({ code: 'PRECONDITION_FAILED', currentSha256: sha256Hex(first) });
    expect(observed.outcomes.length).toBe(attempts);
    expect(await documentRows(id)).toMatchObject([{ sha256: sha256Hex(first) }]);
  });

  it('replaces the document named by If-Match, and refuses a stale one (412) with the current ETag', async () => {
    const [current] = await documentRows(id);
    const next = await validPdf({ pages: 4 });
    const replaced = await put(next, { 'if-match': `"${current!.sha256.toUpperCase()}"` });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.headers.etag).toBe(`"${sha256Hex(next)}"`);
    const stale = await put(await validPdf({ pages: 5 }), { 'if-match': `"${current!.sha256}"` });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers.etag).toBe(`"${sha256Hex(next)}"`);
    expect(await documentRows(id)).toMatchObject([{ sha256: sha256Hex(next), pages: 4 }]);
    // The ETag of the download is the one an upload names.
    const download = await world.app.inject({
      url: `/api/proposals/${id}/documents/proposal`,
      headers: coordinator.auth,
    });
    expect(download.headers.etag).toBe(`"${sha256Hex(next)}"`);
  });

  it.each([
    ['If-Match: *', { 'if-match': '*' }, '/if-match'],
    ['an unquoted ETag', { 'if-match': 'a'.repeat(64) }, '/if-match'],
    ['a list of commas only', { 'if-match': ' , ,' }, '/if-match'],
    ['If-None-Match with an ETag', { 'if-none-match': `"${'a'.repeat(64)}"` }, '/if-none-match'],
    ['both headers', { 'if-match': `"${'a'.repeat(64)}"`, 'if-none-match': '*' }, '/if-none-match'],
  ])('refuses %s with 400 at the header', async (_name, conditions, path) => {
    const before = await documentRows(id);
    const res = await put(await validPdf(), conditions);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errors: [{ in: 'headers', path }] });
    expect(await documentRows(id)).toEqual(before);
  });

  it('compares If-Match strongly: a weak or foreign ETag is a 412, a list matches by any of its tags', async () => {
    const [current] = await documentRows(id);
    for (const conditions of [
      { 'if-match': `W/"${current!.sha256}"` },
      { 'if-match': '"3"' },
      { 'if-match': `"${'a'.repeat(64)}"` },
    ]) {
      const res = await put(await validPdf(), conditions);
      expect(res.statusCode, JSON.stringify(conditions)).toBe(412);
      expect(res.headers.etag).toBe(`"${current!.sha256}"`);
    }
    const next = await validPdf({ pages: 6 });
    const listed = await put(next, { 'if-match': `"${'b'.repeat(64)}", , "${current!.sha256}"` });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(await documentRows(id)).toMatchObject([{ sha256: sha256Hex(next) }]);
  });

  it('refuses If-Match on an empty slot (412 without an ETag), closing the connection unread', async () => {
    const empty = await newProposal('upload-call');
    const attempts = observed.outcomes.length;
    const res = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${empty}/documents/annex`,
      headers: {
        ...coordinator.auth,
        ...multipart(await validPdf()).headers,
        'if-match': `"${'c'.repeat(64)}"`,
      },
      payload: multipart(await validPdf()).payload,
    });
    expect(res.statusCode).toBe(412);
    expect(res.json()).toMatchObject({ code: 'PRECONDITION_FAILED', currentSha256: null });
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers.connection).toBe('close');
    expect(observed.outcomes.length).toBe(attempts);
  });

  it('lets exactly one of two tabs replace the same document; the other gets 412 and leaves no file', async () => {
    const [current] = await documentRows(id);
    const a = await validPdf({ pages: 7 });
    const b = await validPdf({ pages: 8 });
    const filesBefore = await filesUnder(blobRoot);
    // Both pass the early check and are inspected before either writes: only the check under the
    // proposal's lock can tell them apart.
    gate = gateFor(2);
    const answers = await Promise.all([
      put(a, { 'if-match': `"${current!.sha256}"` }),
      put(b, { 'if-match': `"${current!.sha256}"` }),
    ]).finally(() => (gate = null));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 412]);
    const winner = answers[0].statusCode === 200 ? a : b;
    const loser = winner === a ? b : a;
    expect(await documentRows(id)).toMatchObject([{ sha256: sha256Hex(winner) }]);
    const files = await filesUnder(blobRoot);
    expect(files).toContain(path.join(sha256Hex(winner).slice(0, 2), sha256Hex(winner)));
    expect(files).not.toContain(path.join(sha256Hex(loser).slice(0, 2), sha256Hex(loser)));
    expect(files.filter((f) => !filesBefore.includes(f))).toHaveLength(1);
  });
});

describe('orphan collection', () => {
  it('removes a replaced document once nothing references it, keeping the current one', async () => {
    const first = await validPdf({ pages: 5 });
    const second = await validPdf({ pages: 6 });
    expect((await upload(proposalId, first)).statusCode).toBe(200);
    expect((await upload(proposalId, second)).statusCode).toBe(200);
    const report = await collectProposalOrphans({ ...world.ctx.deps, blobs: observed.store }, { graceMs: 0 });
    expect(report.removed).toContain(sha256Hex(first));
    expect(report.removed).not.toContain(sha256Hex(second));
    expect(await observed.store.has(sha256Hex(second))).toBe(true);
  });
});

// Keep the import used when the stream type is only needed for the wrapper's signature.
void Readable;
