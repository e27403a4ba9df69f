import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BlobTooLargeError, createBlobStore, unwritten, type BlobStore } from './blob-store.ts';

let dir: string;
let store: BlobStore;
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'blobs-'));
  store = createBlobStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function filesUnder(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

describe('blob store', () => {
  it('stores content under its SHA-256, in a two-character fan-out directory', async () => {
    const bytes = new TextEncoder().encode('hello proposal');
    const put = await store.put(bytes);
    expect(put).toEqual({ sha256: sha(bytes), bytes: bytes.byteLength });
    expect(await filesUnder(dir)).toEqual([path.join(put.sha256.slice(0, 2), put.sha256)]);
    expect(new Uint8Array(await store.read(put.sha256))).toEqual(bytes);
    expect(await store.size(put.sha256)).toBe(bytes.byteLength);
  });

  it('hashes a stream chunk by chunk and stores identical content once', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
    const a = await store.put(Readable.from(chunks));
    const b = await store.put(Buffer.concat(chunks));
    expect(a.sha256).toBe(sha(Buffer.concat(chunks)));
    expect(b.sha256).toBe(a.sha256);
    expect(await filesUnder(dir)).toHaveLength(1);
  });

  it('keeps a staged blob invisible until commit, and discard leaves nothing', async () => {
    const staged = await store.stage(Readable.from([Buffer.from('draft bytes')]));
    expect(await store.has(staged.sha256)).toBe(false);
    expect((await filesUnder(path.join(dir, 'tmp'))).length).toBe(1);
    await staged.discard();
    expect(await filesUnder(dir)).toEqual([]);
    const again = await store.stage(Readable.from([Buffer.from('draft bytes')]));
    await again.commit();
    expect(await store.has(again.sha256)).toBe(true);
    await expect(again.commit()).rejects.toThrow(/already/);
  });

  it('spools without hashing; the caller names the file at commit, never with a non-hash', async () => {
    const content = Buffer.from('spooled upload bytes');
    const spooled = await store.spool(Readable.from([content]), { maxBytes: 100 });
    expect(spooled.bytes).toBe(content.length);
    expect(await spooled.hash()).toBe(sha(content));
    await expect(spooled.commit('../../etc/passwd')).rejects.toBeInstanceOf(RangeError);
    expect((await filesUnder(path.join(dir, 'tmp'))).length).toBe(1);
    await spooled.commit(sha(content));
    expect(new Uint8Array(await store.read(sha(content)))).toEqual(new Uint8Array(content));
    await spooled.discard();
    expect(await store.has(sha(content))).toBe(true);
    await expect(store.spool(Readable.from([Buffer.alloc(101)]), { maxBytes: 100 })).rejects.toBeInstanceOf(
      BlobTooLargeError,
    );
    expect(await filesUnder(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('leaves nothing behind when the rename into place fails', async () => {
    const content = Buffer.from('cannot be moved into place');
    const spooled = await store.spool(Readable.from([content]));
    // A directory where the blob should go makes rename(2) fail.
    await mkdir(store.pathOf(sha(content)), { recursive: true });
    await expect(spooled.commit(sha(content))).rejects.toThrow();
    await spooled.discard();
    expect(await filesUnder(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('refuses more than maxBytes and removes the partial file', async () => {
    const source = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await expect(store.stage(source, { maxBytes: 1000 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('removes the partial file when the source fails mid-way (a client that disconnects)', async () => {
    async function* broken() {
      yield Buffer.alloc(1000, 1);
      throw new Error('aborted');
    }
    await expect(store.stage(broken())).rejects.toThrow('aborted');
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('collects unreferenced blobs and stale temporary files, sparing young ones and referenced ones', async () => {
    const kept = await store.put(Buffer.from('referenced'));
    const orphan = await store.put(Buffer.from('orphan'));
    const young = await store.put(Buffer.from('young orphan'));
    const staged = await store.stage(Readable.from([Buffer.from('interrupted')]));
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const s of [kept.sha256, orphan.sha256]) await utimes(store.pathOf(s), old, old);
    await utimes(staged.tempPath, old, old);
    const asked: string[] = [];
    const report = await store.collectOrphans(async (candidates) => {
      asked.push(...candidates);
      return new Set(candidates.filter((c) => c === kept.sha256));
    });
    expect(asked.sort()).toEqual([kept.sha256, orphan.sha256].sort());
    expect(report.removed).toEqual([orphan.sha256]);
    expect(report.removedTemp).toBe(1);
    expect(await store.has(kept.sha256)).toBe(true);
    expect(await store.has(orphan.sha256)).toBe(false);
    expect(await store.has(young.sha256)).toBe(true);
  });

  it('refuses a path that is not a SHA-256 (no traversal through the store)', () => {
    expect(() => store.pathOf('../../etc/passwd')).toThrow(RangeError);
  });
});

describe('batched writes', () => {
  it('stores many small chunks exactly (they are written in batches)', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'blobs-batch-'));
    try {
      const store = createBlobStore(root);
      const chunks = Array.from({ length: 300 }, (_, i) => Buffer.alloc(7_001 + i, i % 251));
      const whole = Buffer.concat(chunks);
      const staged = await store.stage(Readable.from(chunks));
      expect(staged.bytes).toBe(whole.length);
      expect(staged.sha256).toBe(createHash('sha256').update(whole).digest('hex'));
      await staged.commit();
      expect((await store.read(staged.sha256)).equals(whole)).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('resumes a short write at the right byte', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (buffers, share) => {
          const whole = Buffer.concat(buffers);
          const written = Math.floor(share * whole.length);
          const rest = unwritten(buffers, written);
          expect(Buffer.concat(rest).equals(whole.subarray(written))).toBe(true);
          expect(rest.every((buffer) => buffer.byteLength > 0)).toBe(true);
        },
      ),
    );
  });
});
