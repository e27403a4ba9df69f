import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReusingReader } from './read-file-reusing.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'permed-reusing-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const KiB = 1024;

/** A file of `size` random bytes in the test directory; its path. */
async function randomFile(name: string, size: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, randomBytes(size));
  return path;
}

describe('a reader that reuses one buffer', () => {
  it('returns exactly each file, whatever the order of sizes (no bytes of an earlier file)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 48 * KiB }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        const reader = createReusingReader({ keepBytes: 32 * KiB, growBy: 4 * KiB });
        for (const [index, size] of sizes.entries()) {
          const content = randomBytes(size);
          const path = join(dir, `file-${index}`);
          await writeFile(path, content);
          const read = reader.read(path, 1024 * KiB);
          expect(read).toBeInstanceOf(Uint8Array);
          expect(Buffer.from(read as Uint8Array).equals(content)).toBe(true);
          expect(reader.retainedBytes()).toBeLessThanOrEqual(32 * KiB);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('reads a file no larger than the one before into the same memory', async () => {
    const reader = createReusingReader({ keepBytes: 64 * KiB, growBy: 4 * KiB });
    const big = reader.read(await randomFile('big', 20 * KiB), 1024 * KiB) as Uint8Array;
    const small = reader.read(await randomFile('small', 3 * KiB), 1024 * KiB) as Uint8Array;
    expect(small.buffer).toBe(big.buffer);
    expect(reader.retainedBytes()).toBe(20 * KiB);
  });

  it('gives a file over the kept size a buffer of its own and keeps the smaller one', async () => {
    const reader = createReusingReader({ keepBytes: 16 * KiB, growBy: 4 * KiB });
    const ordinary = reader.read(await randomFile('ordinary', 8 * KiB), 1024 * KiB) as Uint8Array;
    const large = reader.read(await randomFile('large', 40 * KiB), 1024 * KiB) as Uint8Array;
    expect(large.buffer).not.toBe(ordinary.buffer);
    expect(large.byteLength).toBe(40 * KiB);
    expect(reader.retainedBytes()).toBe(8 * KiB);
  });

  it('refuses a file over the limit from its size, without keeping a buffer for it', async () => {
    const reader = createReusingReader();
    await writeFile(join(dir, 'over'), Buffer.alloc(2 * KiB, 0x20));
    expect(reader.read(join(dir, 'over'), KiB)).toMatchObject({ ok: false, reason: 'TOO_LARGE' });
    expect(reader.retainedBytes()).toBe(0);
  });

  it('throws when the file cannot be read', () => {
    expect(() => createReusingReader().read(join(dir, 'missing'), KiB)).toThrow(/ENOENT/);
  });
});
