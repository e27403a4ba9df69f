import { PDFName, PDFObjectStreamParser, PDFRawStream } from 'pdf-lib';
import { type DecodeBudget, decodeWithinBudget } from './decode-budget.ts';

/**
 * An object stream holds small objects (dictionaries, arrays); writers put 100 to 200 in one, a
 * few hundred kB. 64 MiB is far beyond any real one and stops a bomb after milliseconds.
 */
const OBJECT_STREAM_MAX_BYTES = 64 * 1024 * 1024;

/**
 * pdf-lib inflates every object stream while parsing, in JavaScript, with no size limit: a 1 MB
 * file that inflates to 1 GiB takes 9 s and 3 GB of array buffers (measured). pdf-lib offers no
 * hook, so for the length of one parse its object-stream factory is wrapped: the stream is decoded
 * first within the budget, and pdf-lib is handed the decoded bytes with the filter removed.
 * Meant for the inspection worker, which parses one file and exits; the returned function undoes it.
 */
export function guardObjectStreams(budget: DecodeBudget): () => void {
  const original = PDFObjectStreamParser.forStream;
  PDFObjectStreamParser.forStream = (rawStream, shouldWaitForTick) => {
    const decoded = decodeWithinBudget(rawStream, budget, 'an object stream', OBJECT_STREAM_MAX_BYTES);
    const dict = rawStream.dict.clone(rawStream.dict.context);
    dict.delete(PDFName.of('Filter'));
    dict.delete(PDFName.of('DecodeParms'));
    return original(PDFRawStream.of(dict, decoded), shouldWaitForTick);
  };
  return () => {
    PDFObjectStreamParser.forStream = original;
  };
}
