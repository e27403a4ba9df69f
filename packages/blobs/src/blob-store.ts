import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

const SHA256 = /^[0-9a-f]{64}$/;
const WRITE_BATCH_BYTES = 1024 * 1024;
/** Also a cap on buffers per batch (a trickle of tiny chunks; writev takes at most 1,024). */
const WRITE_BATCH_CHUNKS = 256;

/** What is left of `buffers` after the first `written` bytes (a short writev). Exported for tests. */
export function unwritten(buffers: Uint8Array[], written: number): Uint8Array[] {
  let skip = written;
  const rest: Uint8Array[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.byteLength) {
      skip -= buffer.byteLength;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}

/** Thrown by `stage` when the source yields more than `maxBytes`; nothing is left on disk. */
export class BlobTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`the content is larger than ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
    this.maxBytes = maxBytes;
  }
}

/**
 * Content written to a temporary file and hashed, not yet visible under its hash: the caller
 * inspects it (`tempPath`) and then either commits it (atomic rename into place) or discards it.
 */
export interface StagedBlob {
  readonly sha256: string;
  readonly bytes: number;
  readonly tempPath: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Content in a temporary file, not yet hashed: the caller gives its SHA-256 when committing. */
export interface SpooledFile {
  readonly bytes: number;
  readonly tempPath: string;
  /** Moves it into place as `sha256`, which must be the SHA-256 of the file's content. */
  commit(sha256: string): Promise<void>;
  discard(): Promise<void>;
  /** Reads the file back and hashes it, for a caller that needs the hash without reading it. */
  hash(): Promise<string>;
}

export interface OrphanReport {
  /** Blobs removed because no row referenced them. */
  removed: string[];
  /** Temporary files of interrupted writes removed. */
  removedTemp: number;
  /** Blobs examined (old enough to be considered). */
  examined: number;
}

export interface BlobStore {
  readonly root: string;
  /** Streams `source` to a temporary file while hashing it (SHA-256); refuses more than `maxBytes`. */
  stage(source: Readable | AsyncIterable<Uint8Array>, options?: { maxBytes?: number }): Promise<StagedBlob>;
  /**
   * Streams `source` to a temporary file without hashing it; the caller names it by its SHA-256
   * at commit. For a caller that reads the file back anyway and hashes it there (the upload
   * inspection worker does), so the bytes are not hashed twice on the event loop.
   */
  spool(source: Readable | AsyncIterable<Uint8Array>, options?: { maxBytes?: number }): Promise<SpooledFile>;
  /** Stages and commits in one go; returns the content's hash. */
  put(content: Uint8Array | Readable | AsyncIterable<Uint8Array>): Promise<{ sha256: string; bytes: number }>;
  has(sha256: string): Promise<boolean>;
  /** Size in bytes, or null when absent. */
  size(sha256: string): Promise<number | null>;
  read(sha256: string): Promise<Buffer>;
  stream(sha256: string): Readable;
  pathOf(sha256: string): string;
  /**
   * Removes blobs that no row references. `referenced` gets candidate hashes and returns those
   * still in use. Blobs and temporary files younger than `graceMs` are left alone, so that an
   * upload between its rename and its commit is never collected.
   */
  collectOrphans(
    referenced: (candidates: string[]) => Promise<Set<string>>,
    options?: { graceMs?: number; now?: Date; batchSize?: number },
  ): Promise<OrphanReport>;
}

/**
 * A content-addressed store in a local directory: `<root>/<sha256[0..2]>/<sha256>`. Writes go to
 * `<root>/tmp/` while hashing and are renamed into place, so a reader never sees half a file and a
 * crash leaves only a temporary file (collected later). Identical content is stored once.
 */
export function createBlobStore(root: string): BlobStore {
  const tmpDir = path.join(root, 'tmp');
  let ready: Promise<void> | null = null;
  const ensureDirs = () => (ready ??= mkdir(tmpDir, { recursive: true }).then(() => undefined));

  const pathOf = (sha256: string): string => {
    if (!SHA256.test(sha256)) throw new RangeError('not a SHA-256 hex digest');
    return path.join(root, sha256.slice(0, 2), sha256);
  };

  /** Writes `source` to a new temporary file (batched writes, synced), hashing it if asked. */
  async function writeTemp(
    source: Readable | AsyncIterable<Uint8Array>,
    options: { maxBytes?: number | undefined; hash: boolean },
  ): Promise<{ tempPath: string; bytes: number; sha256: string | undefined }> {
    await ensureDirs();
    const tempPath = path.join(tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
    const hash = options.hash ? createHash('sha256') : undefined;
    const handle = await open(tempPath, 'wx', 0o600);
    let bytes = 0;
    // Chunks are written in batches of about a MiB: one write per 16 KiB multipart chunk made a
    // 10 MiB upload 640 round trips to the thread pool, and staging ran at half the speed.
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      let buffers = pending;
      pending = [];
      pendingBytes = 0;
      while (buffers.length > 0) {
        const { bytesWritten } = await handle.writev(buffers);
        buffers = unwritten(buffers, bytesWritten);
      }
    };
    try {
      for await (const chunk of source) {
        const data = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
        bytes += data.byteLength;
        if (options.maxBytes !== undefined && bytes > options.maxBytes) {
          throw new BlobTooLargeError(options.maxBytes);
        }
        hash?.update(data);
        pending.push(data);
        pendingBytes += data.byteLength;
        if (pendingBytes >= WRITE_BATCH_BYTES || pending.length >= WRITE_BATCH_CHUNKS) await flush();
      }
      await flush();
      // Durable before it becomes visible under its name.
      await handle.sync();
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => {});
      await unlink(tempPath).catch(() => {});
      throw error;
    }
    return { tempPath, bytes, sha256: hash?.digest('hex') };
  }

  /** Renames a temporary file into place under `sha256`, once; discard removes it instead. */
  function settleOnce(tempPath: string) {
    let settled = false;
    return {
      async commit(sha256: string) {
        const target = pathOf(sha256);
        if (settled) throw new Error('this temporary file was already committed or discarded');
        await mkdir(path.dirname(target), { recursive: true });
        // rename(2) is atomic; the same content under the same name may be replaced harmlessly.
        // Settled only once it is in place: if the rename fails, discard() still removes the file.
        await rename(tempPath, target);
        settled = true;
      },
      async discard() {
        if (settled) return;
        settled = true;
        await unlink(tempPath).catch(() => {});
      },
    };
  }

  async function stage(
    source: Readable | AsyncIterable<Uint8Array>,
    options: { maxBytes?: number } = {},
  ): Promise<StagedBlob> {
    const { tempPath, bytes, sha256 } = await writeTemp(source, { maxBytes: options.maxBytes, hash: true });
    const settle = settleOnce(tempPath);
    return {
      sha256: sha256!,
      bytes,
      tempPath,
      commit: () => settle.commit(sha256!),
      discard: () => settle.discard(),
    };
  }

  async function spool(
    source: Readable | AsyncIterable<Uint8Array>,
    options: { maxBytes?: number } = {},
  ): Promise<SpooledFile> {
    const { tempPath, bytes } = await writeTemp(source, { maxBytes: options.maxBytes, hash: false });
    const settle = settleOnce(tempPath);
    return {
      bytes,
      tempPath,
      commit: (sha256) => settle.commit(sha256),
      discard: () => settle.discard(),
      async hash() {
        const hash = createHash('sha256');
        for await (const chunk of createReadStream(tempPath)) hash.update(chunk as Buffer);
        return hash.digest('hex');
      },
    };
  }

  async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
    yield bytes;
  }

  return {
    root,
    stage,
    spool,
    async put(content) {
      const staged = await stage(content instanceof Uint8Array ? once(content) : content);
      await staged.commit();
      return { sha256: staged.sha256, bytes: staged.bytes };
    },
    async has(sha256) {
      return (await this.size(sha256)) !== null;
    },
    async size(sha256) {
      try {
        return (await stat(pathOf(sha256))).size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    read: (sha256) => readFile(pathOf(sha256)),
    stream: (sha256) => createReadStream(pathOf(sha256)),
    pathOf,
    async collectOrphans(referenced, options = {}) {
      await ensureDirs();
      const cutoff = (options.now ?? new Date()).getTime() - (options.graceMs ?? 60 * 60 * 1000);
      const batchSize = options.batchSize ?? 500;
      const report: OrphanReport = { removed: [], removedTemp: 0, examined: 0 };
      for (const name of await readdir(tmpDir)) {
        const file = path.join(tmpDir, name);
        const info = await stat(file).catch(() => null);
        if (info && info.mtimeMs < cutoff) {
          await unlink(file).catch(() => {});
          report.removedTemp += 1;
        }
      }
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const used = await referenced(batch);
        for (const sha of batch) {
          if (used.has(sha)) continue;
          await unlink(pathOf(sha)).catch(() => {});
          report.removed.push(sha);
        }
        batch = [];
      };
      for (const dir of await readdir(root)) {
        if (!/^[0-9a-f]{2}$/.test(dir)) continue;
        for (const name of await readdir(path.join(root, dir))) {
          if (!SHA256.test(name) || !name.startsWith(dir)) continue;
          const info = await stat(path.join(root, dir, name)).catch(() => null);
          if (!info || info.mtimeMs >= cutoff) continue;
          report.examined += 1;
          batch.push(name);
          if (batch.length >= batchSize) await flush();
        }
      }
      await flush();
      return report;
    },
  };
}
