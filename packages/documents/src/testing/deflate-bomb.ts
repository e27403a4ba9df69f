import zlib from 'node:zlib';
import { concatBytes } from './raw-pdf.ts';

const SEGMENT = 16 * 1024 * 1024;

function adler32(bytes: Uint8Array): { a: number; b: number } {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return { a, b };
}

/**
 * zlib data that inflates to `prefix` followed by at least `zeros` zero bytes, built in
 * milliseconds: one 16 MiB segment of zeros is deflated once with a full flush (so it refers to
 * nothing before it) and repeated; the Adler-32 of a run of zeros has a closed form.
 * Compression is about 1:1000, so 1 GiB costs about 1 MiB.
 */
export function zlibZeros(zeros: number, prefix: Uint8Array = new Uint8Array(0)): Uint8Array {
  const fullFlush = { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH };
  const head = zlib.deflateRawSync(prefix, fullFlush);
  const segment = zlib.deflateRawSync(Buffer.alloc(SEGMENT), fullFlush);
  const count = Math.ceil(zeros / SEGMENT);
  const end = zlib.deflateRawSync(Buffer.alloc(0));
  const { a, b } = adler32(prefix);
  // Each zero byte leaves `a` unchanged and adds `a` to `b`.
  const bAfter = Number((BigInt(b) + BigInt(count) * BigInt(SEGMENT) * BigInt(a)) % 65521n);
  const checksum = new Uint8Array(4);
  new DataView(checksum.buffer).setUint32(0, ((bAfter << 16) | a) >>> 0);
  return concatBytes([
    Uint8Array.of(0x78, 0xda),
    head,
    ...Array.from({ length: count }, () => segment),
    end,
    checksum,
  ]);
}
