import { PDFParser } from 'pdf-lib';

interface SlicingByteStream {
  bytes: Uint8Array;
  slice: (this: SlicingByteStream, start: number, end: number) => Uint8Array;
}

/**
 * pdf-lib's byte stream (not exported) reached through a parser's own instance, so that it is the
 * class PDFDocument.load uses, whichever of pdf-lib's builds the import resolved to. Found once per
 * thread, not once per parse.
 */
let prototypeFound: SlicingByteStream | undefined;
function byteStreamPrototype(): SlicingByteStream {
  if (prototypeFound === undefined) {
    const parser = PDFParser.forBytesWithOptions(new Uint8Array(0)) as unknown as { bytes: object };
    prototypeFound = Object.getPrototypeOf(parser.bytes) as SlicingByteStream;
  }
  return prototypeFound;
}

/**
 * pdf-lib copies every stream's contents out of the file as it parses (`Uint8Array.slice`): for an
 * upload that is mostly one image, a second 10 MiB buffer per file, and fresh memory costs ~30 ms to
 * touch on our virtual machines (docs/benchmarks.md). The inspection only reads the file, and the
 * parsed document does not outlive its task, so for the length of one parse the contents are views
 * of the file's bytes instead. Meant for the inspection worker; the returned function undoes it.
 */
export function shareStreamBytes(): () => void {
  const prototype = byteStreamPrototype();
  const original = prototype.slice;
  prototype.slice = function sliceAsView(this: SlicingByteStream, start: number, end: number) {
    return this.bytes.subarray(start, end);
  };
  return () => {
    prototype.slice = original;
  };
}
