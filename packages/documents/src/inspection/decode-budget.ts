import zlib from 'node:zlib';
import { PDFArray, PDFName, PDFNumber, type PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { readerName } from './pdf-names.ts';

/** Thrown when the file's streams would decode to more bytes than the inspection allows. */
export class DecodeLimitError extends Error {
  override readonly name = 'DecodeLimitError';
}

/**
 * The number of bytes that all streams of one file may still decode to. Decoded data lives in
 * array buffers outside the V8 heap, so the worker's heap limit does not bound it: this does.
 */
export class DecodeBudget {
  readonly limit: number;
  #used = 0;
  /**
   * Set once the limit is passed. pdf-lib's parser catches errors thrown while it reads an object
   * and reports a generic parse error instead, so the caller checks this after parsing.
   */
  exceeded: DecodeLimitError | undefined;

  constructor(limit: number) {
    this.limit = limit;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.#used);
  }

  charge(bytes: number, what: string): void {
    this.#used += bytes;
    if (this.#used > this.limit)
      this.fail(`${what} decodes past the limit of ${this.limit} bytes for the whole file`);
  }

  fail(message: string): never {
    this.exceeded ??= new DecodeLimitError(message);
    throw this.exceeded;
  }
}

function filterNames(stream: PDFRawStream): string[] {
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  if (filter instanceof PDFName) return [readerName(filter)];
  if (filter instanceof PDFArray) {
    return filter.asArray().map((entry) => (entry instanceof PDFName ? readerName(entry) : '?'));
  }
  return [];
}

function isBufferTooLarge(error: unknown): boolean {
  return error instanceof RangeError && (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

/** Decodes with pdf-lib's own decoders, but never more than `cap` bytes plus one. */
function decodeBoundedWithPdfLib(
  stream: PDFRawStream,
  budget: DecodeBudget,
  what: string,
  cap: number,
): Uint8Array {
  const decoded = decodePDFRawStream(stream).getBytes(Math.min(cap, budget.remaining) + 1);
  if (decoded.length > cap) budget.fail(`${what} decodes to more than ${cap} bytes`);
  budget.charge(decoded.length, what);
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}

/**
 * Decodes a stream within the budget and returns it. Flate, by far the most common filter, goes
 * through native zlib with an output cap (fast, and it stops at the cap whatever the block layout);
 * a stream zlib refuses (bad checksum, missing end) falls back to pdf-lib's lenient decoder, as
 * readers are lenient too.
 */
export function decodeWithinBudget(
  stream: PDFRawStream,
  budget: DecodeBudget,
  what: string,
  cap = Number.MAX_SAFE_INTEGER,
): Uint8Array {
  const filters = filterNames(stream);
  if (filters.length === 0) {
    if (stream.contents.length > cap) budget.fail(`${what} has more than ${cap} bytes`);
    budget.charge(stream.contents.length, what);
    return stream.contents;
  }
  if (filters.length === 1 && filters[0] === 'FlateDecode') {
    const allowed = Math.min(cap, budget.remaining);
    let inflated: Buffer | undefined;
    try {
      inflated = zlib.inflateSync(stream.contents, {
        maxOutputLength: Math.max(1, allowed + 1),
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
    } catch (error) {
      if (isBufferTooLarge(error)) {
        if (allowed === cap) budget.fail(`${what} inflates to more than ${cap} bytes`);
        budget.charge(budget.remaining + 1, what);
      }
    }
    if (inflated !== undefined) {
      budget.charge(inflated.length, what);
      return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
    }
  }
  return decodeBoundedWithPdfLib(stream, budget, what, cap);
}

/** Counts what a Flate stream inflates to without keeping it, and stops at the budget. */
function countInflated(data: Uint8Array, budget: DecodeBudget, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const inflate = zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: 1 << 20 });
    inflate.on('data', (chunk: Buffer) => {
      try {
        budget.charge(chunk.length, what);
      } catch (error) {
        inflate.destroy();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    inflate.on('end', () => resolve());
    // A corrupt stream decodes to what it decodes to; readers stop there too.
    inflate.on('error', () => resolve());
    inflate.end(data);
  });
}

const IMAGE_CODECS = new Set(['DCTDecode', 'JPXDecode', 'JBIG2Decode', 'CCITTFaxDecode']);

/** Bytes a reader must allocate for an image, from its declared size: a 10^5 x 10^5 JPEG is a bomb too. */
function declaredImageBytes(stream: PDFRawStream): number {
  const number = (key: string): number => {
    const value = stream.dict.lookup(PDFName.of(key));
    return value instanceof PDFNumber ? Math.max(0, value.asNumber()) : 0;
  };
  const bitsPerComponent = number('BitsPerComponent') || 8;
  // Up to four colour components (CMYK); the exact colour space does not matter for a bound.
  return Math.ceil((number('Width') * number('Height') * 4 * bitsPerComponent) / 8);
}

/**
 * Charges every stream of the parsed document to the budget without keeping the decoded data:
 * pdf-lib decodes only object streams when parsing, but a reviewer's viewer decodes the page
 * contents and images, so a bomb there must be refused as well.
 */
export async function chargeAllStreams(
  streams: Iterable<[string, PDFRawStream]>,
  budget: DecodeBudget,
): Promise<void> {
  for (const [where, stream] of streams) {
    const filters = filterNames(stream);
    const what = `stream ${where}`;
    const first = filters[0];
    if (first === undefined) {
      budget.charge(stream.contents.length, what);
    } else if (first === 'FlateDecode') {
      await countInflated(stream.contents, budget, what);
    } else if (filters.some((name) => IMAGE_CODECS.has(name))) {
      budget.charge(declaredImageBytes(stream), what);
    } else {
      try {
        decodeBoundedWithPdfLib(stream, budget, what, Number.MAX_SAFE_INTEGER);
      } catch (error) {
        if (error instanceof DecodeLimitError) throw error;
        // A filter pdf-lib cannot decode (e.g. /Crypt) is not ours to judge here.
      }
    }
  }
}
