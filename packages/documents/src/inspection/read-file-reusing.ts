import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type InspectionResult, tooLarge } from './inspection-result.ts';

const MiB = 1024 * 1024;

/**
 * Reads whole files into one buffer that is kept and reused from file to file, for a thread that
 * reads one file at a time and is done with its bytes before it reads the next (an inspection
 * worker).
 *
 * Why: fresh memory is costly here. A new 10 MiB buffer is ~2,500 page faults the first time it is
 * written, ~30 ms on the virtual machines we measure on (a copy into memory already touched takes
 * ~2 ms), and each one also grows the process's resident memory until the garbage collector gives
 * it back. Reading every upload into the same buffer pays that once per thread.
 *
 * A file larger than `keepBytes` gets a buffer of its own that is not kept, so one large file does
 * not leave its size resident for the life of the thread.
 */
export interface ReusingReader {
  /**
   * The file's bytes, as a view of the shared buffer valid until the next call; or TOO_LARGE,
   * judged from the file's size before a byte is read. Throws when the file cannot be read.
   */
  read(path: string, maxBytes: number): Uint8Array | InspectionResult;
  /** Bytes held between calls (for tests and metrics). */
  retainedBytes(): number;
}

export function createReusingReader(options: { keepBytes?: number; growBy?: number } = {}): ReusingReader {
  const keepBytes = options.keepBytes ?? 16 * MiB;
  const growBy = options.growBy ?? MiB;
  let kept: Uint8Array<ArrayBuffer> = new Uint8Array(0);

  const bufferFor = (size: number): Uint8Array<ArrayBuffer> => {
    if (size <= kept.byteLength) return kept;
    // Rounded up, so that files of slowly growing sizes do not each cost a new buffer.
    const rounded = Math.ceil(size / growBy) * growBy;
    const fresh = new Uint8Array(new ArrayBuffer(Math.max(size, rounded)));
    if (fresh.byteLength <= keepBytes) kept = fresh;
    return fresh;
  };

  return {
    read(path, maxBytes) {
      const fd = openSync(path, 'r');
      try {
        const { size } = fstatSync(fd);
        if (size > maxBytes) {
          return tooLarge(size, maxBytes);
        }
        const buffer = bufferFor(size);
        let filled = 0;
        while (filled < size) {
          const read = readSync(fd, buffer, filled, size - filled, filled);
          if (read === 0) break;
          filled += read;
        }
        return buffer.subarray(0, filled);
      } finally {
        closeSync(fd);
      }
    },
    retainedBytes: () => kept.byteLength,
  };
}
