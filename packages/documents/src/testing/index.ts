export * from './hostile-pdfs.ts';
export {
  assemblePdf,
  concatBytes,
  objectStreamBody,
  onePageObjects,
  streamBody,
  type Part,
  type RawObject,
} from './raw-pdf.ts';
export { zlibZeros } from './deflate-bomb.ts';
export { zipArchive } from './zip-archive.ts';
export { readPdf, type ReadPdf } from './read-pdf.ts';
export * from './builder-inputs.ts';
