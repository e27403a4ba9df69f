import zlib from 'node:zlib';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { zlibZeros } from './deflate-bomb.ts';
import { assemblePdf, concatBytes, objectStreamBody, onePageObjects, streamBody } from './raw-pdf.ts';
import { zipArchive } from './zip-archive.ts';

// Generators of good and hostile PDFs for tests. Each returns the bytes of a whole file; all are
// made here, none is downloaded, so a test shows exactly what it feeds the inspector.

const GiB = 1024 * 1024 * 1024;
const FIXED_DATE = new Date('2024-03-05T16:00:00Z');

/** A valid PDF with `pages` pages of text, made with pdf-lib (object streams, like modern writers). */
export async function validPdf(options: { pages?: number; title?: string } = {}): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (let index = 0; index < (options.pages ?? 1); index += 1) {
    const page = document.addPage([595, 842]);
    page.drawText(`Project description, page ${index + 1}`, { x: 72, y: 760, size: 12, font });
  }
  document.setTitle(options.title ?? 'Test proposal');
  document.setCreationDate(FIXED_DATE);
  document.setModificationDate(FIXED_DATE);
  return document.save();
}

/** A valid PDF whose cross-reference is a classic table (pdf-lib without object streams). */
export async function validPdfWithXrefTable(pages = 1): Promise<Uint8Array> {
  const document = await PDFDocument.load(await validPdf({ pages }));
  return document.save({ useObjectStreams: false });
}

/** A valid hand-written one-page PDF; its objects are exactly those of `onePageObjects()`. */
export function minimalPdf(): Uint8Array {
  return assemblePdf({ objects: onePageObjects(), trailer: '/Root 1 0 R' });
}

/** More pages than `limit`. */
export function overPageLimitPdf(limit: number): Promise<Uint8Array> {
  return validPdf({ pages: limit + 1 });
}

const ENCRYPT_DICT =
  '<< /Filter /Standard /V 1 /R 2 /P -44 ' +
  `/O <${'28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a'}> ` +
  `/U <${'a3c9a2f5b5b8d8e4a1f0e7e8d1c2b3a4958677685940312213041526374859aa'}> >>`;

/**
 * A PDF whose trailer names an /Encrypt dictionary (RC4, revision 2: what "password to open"
 * produced for years). The body is not really encrypted: the trailer alone must be enough to refuse.
 * `xref: 'stream'` puts /Encrypt in a cross-reference stream dictionary instead of a trailer;
 * `hexEscaped` writes it as /Encr#79pt.
 */
export function encryptedPdf(options: { xref?: 'table' | 'stream'; hexEscaped?: boolean } = {}): Uint8Array {
  const key = options.hexEscaped === true ? '/Encr#79pt' : '/Encrypt';
  return assemblePdf({
    objects: [...onePageObjects(), { id: 6, body: ENCRYPT_DICT }],
    trailer: `/Root 1 0 R ${key} 6 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]`,
    xref: options.xref ?? 'table',
  });
}

/** JavaScript run when the document opens: the classic malicious PDF. */
export function openActionJavaScriptPdf(): Uint8Array {
  return assemblePdf({
    objects: onePageObjects({ catalog: "/OpenAction << /S /JavaScript /JS (app.alert\\('opened'\\)) >>" }),
    trailer: '/Root 1 0 R',
  });
}

/** A link annotation whose action starts a program. */
export function launchActionPdf(): Uint8Array {
  return assemblePdf({
    objects: [
      ...onePageObjects({ page: '/Annots [6 0 R]' }),
      {
        id: 6,
        body: '<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] /A << /S /Launch /F (C:\\\\Windows\\\\System32\\\\cmd.exe) >> >>',
      },
    ],
    trailer: '/Root 1 0 R',
  });
}

/**
 * JavaScript with every tell-tale name written with "#" hex escapes, which readers decode:
 * `upper` uses escapes pdf-lib decodes itself (/J#61vaScript, /J#53); `lower` uses lower-case hex
 * digits (/#4aava#53cript, /#4a#53), which pdf-lib leaves encoded.
 */
export function hexEscapedJavaScriptPdf(
  hexCase: 'upper' | 'lower' = 'upper',
  options: { inObjectStream?: boolean } = {},
): Uint8Array {
  const [type, key] = hexCase === 'upper' ? ['/J#61vaScript', '/J#53'] : ['/#4aava#53cript', '/#4a#53'];
  const annotation = {
    id: 6,
    body: `<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] /A << /S ${type} ${key} (app.alert\\(1\\)) >> >>`,
  };
  const objects = onePageObjects({ page: '/Annots [6 0 R]' });
  // In the object stream variant the classic xref table does not list object 6; pdf-lib, like
  // readers that rebuild a damaged cross-reference, finds it anyway.
  return options.inObjectStream === true
    ? assemblePdf({
        version: '1.5',
        objects: [...objects, { id: 7, body: objectStreamBody([annotation]) }],
        trailer: '/Root 1 0 R',
      })
    : assemblePdf({ objects: [...objects, annotation], trailer: '/Root 1 0 R' });
}

/**
 * An /OpenAction written /Open#41ction that opens a web address as soon as the file is opened
 * (tracking the reviewer). Links to the web are allowed elsewhere, so only a reader-decoded
 * /OpenAction can catch this one.
 */
export function hexEscapedOpenActionPdf(): Uint8Array {
  return assemblePdf({
    objects: onePageObjects({ catalog: '/Open#41ction << /S /URI /URI (https://tracker.example/opened) >>' }),
    trailer: '/Root 1 0 R',
  });
}

/** An /OpenAction that only opens at page 1, as LaTeX (hyperref) and LibreOffice write: allowed. */
export function openAtPagePdf(): Uint8Array {
  return assemblePdf({
    objects: onePageObjects({ catalog: '/OpenAction [3 0 R /Fit]' }),
    trailer: '/Root 1 0 R',
  });
}

/** A page with an ordinary web link: allowed. */
export function webLinkPdf(): Uint8Array {
  return assemblePdf({
    objects: [
      ...onePageObjects({ page: '/Annots [6 0 R]' }),
      {
        id: 6,
        body: '<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] /A << /S /URI /URI (https://doi.org/10.1000/182) >> >>',
      },
    ],
    trailer: '/Root 1 0 R',
  });
}

/**
 * Document JavaScript hidden in a compressed object stream, where no raw byte scan can see it:
 * made with pdf-lib, which writes every non-stream object into object streams.
 */
export async function javaScriptInObjectStreamPdf(): Promise<Uint8Array> {
  const document = await PDFDocument.load(await validPdf());
  const action = document.context.obj({ S: 'JavaScript', JS: PDFString.of("app.alert('hidden')") });
  const names = document.context.obj({ Names: [PDFString.of('init'), document.context.register(action)] });
  document.catalog.set(PDFName.of('Names'), document.context.obj({ JavaScript: names }));
  return document.save({ useObjectStreams: true });
}

/** A file attachment (pdf-lib's attach), here an executable. */
export async function embeddedFilePdf(): Promise<Uint8Array> {
  const document = await PDFDocument.load(await validPdf());
  await document.attach(Uint8Array.from([0x4d, 0x5a, 0x90, 0x00]), 'budget-tool.exe', {
    mimeType: 'application/octet-stream',
    creationDate: FIXED_DATE,
    modificationDate: FIXED_DATE,
  });
  return document.save({ useObjectStreams: true });
}

/** A ZIP archive first, then a PDF: readers that look for "%PDF-" in the first 1024 bytes open it. */
export function zipThenPdfPolyglot(): Uint8Array {
  const zip = zipArchive([{ name: 'a.txt', data: new TextEncoder().encode('hidden') }]);
  return concatBytes([zip, minimalPdf()]);
}

/** A whole PDF with a whole ZIP archive appended: PDF readers and ZIP readers both open it. */
export function pdfThenZipPolyglot(): Uint8Array {
  const zip = zipArchive([{ name: 'payload.js', data: new TextEncoder().encode('alert(1)') }]);
  return concatBytes([minimalPdf(), zip]);
}

/** An HTML page, as a browser would save it, uploaded as "proposal.pdf". */
export function htmlNamedPdf(): { name: string; bytes: Uint8Array } {
  const html =
    '<!DOCTYPE html>\n<html><head><title>Proposal</title></head><body><script>alert(1)</script></body></html>\n';
  return { name: 'proposal.pdf', bytes: new TextEncoder().encode(html) };
}

/** A valid PDF cut in the middle of its cross-reference table (an interrupted upload). */
export async function truncatedXrefPdf(): Promise<Uint8Array> {
  const bytes = await validPdfWithXrefTable();
  const xrefAt = Buffer.from(bytes).lastIndexOf('\nxref\n');
  return bytes.slice(0, xrefAt + 40);
}

/** A valid PDF cut in half. */
export async function truncatedPdf(): Promise<Uint8Array> {
  const bytes = await validPdf({ pages: 3 });
  return bytes.slice(0, Math.floor(bytes.length / 2));
}

/** A catalog whose page tree has no pages. */
export function zeroPagesPdf(): Uint8Array {
  return assemblePdf({
    objects: [
      { id: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
      { id: 2, body: '<< /Type /Pages /Kids [] /Count 0 >>' },
    ],
    trailer: '/Root 1 0 R',
  });
}

/** A page tree that contains itself. */
export function cyclicPageTreePdf(): Uint8Array {
  const objects = onePageObjects();
  return assemblePdf({
    objects: objects.map((object) =>
      object.id === 2 ? { id: 2, body: '<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>' } : object,
    ),
    trailer: '/Root 1 0 R',
  });
}

/**
 * A deflate bomb: a file of about 1 MB per GiB whose one stream inflates to `inflatedBytes` zeros
 * (default just over 1 GiB). In an object stream pdf-lib inflates it while parsing; in the page's
 * content stream only a viewer would, when showing the page.
 */
export function deflateBombPdf(
  options: { inflatedBytes?: number; location?: 'object-stream' | 'content-stream' } = {},
): Uint8Array {
  const inflatedBytes = options.inflatedBytes ?? GiB + 1;
  if (options.location === 'content-stream') {
    const objects = onePageObjects().map((object) =>
      object.id === 4
        ? { id: 4, body: streamBody('/Filter /FlateDecode', zlibZeros(inflatedBytes)) }
        : object,
    );
    return assemblePdf({ objects, trailer: '/Root 1 0 R' });
  }
  // The object stream says it holds object 6 at offset 0; the zeros that follow are whitespace.
  const header = new TextEncoder().encode('6 0 ');
  const data = zlibZeros(inflatedBytes, header);
  return assemblePdf({
    version: '1.5',
    objects: [
      ...onePageObjects(),
      { id: 7, body: streamBody(`/Type /ObjStm /N 1 /First ${header.length} /Filter /FlateDecode`, data) },
    ],
    trailer: '/Root 1 0 R',
  });
}

/**
 * A small file whose object stream holds one array of `count` numbers: little to inflate, but
 * millions of parsed objects on the V8 heap. Only the worker's heap limit stops it.
 */
export function heapBombPdf(count = 40_000_000): Uint8Array {
  const header = '6 0 ';
  const body = Buffer.alloc(header.length + 2 + count * 2 + 1, '0 ');
  body.write(`${header}[`, 0, 'latin1');
  body.write(']', body.length - 1, 'latin1');
  return assemblePdf({
    version: '1.5',
    objects: [
      ...onePageObjects(),
      {
        id: 7,
        body: streamBody(
          `/Type /ObjStm /N 1 /First ${header.length} /Filter /FlateDecode`,
          zlib.deflateSync(body),
        ),
      },
    ],
    trailer: '/Root 1 0 R',
  });
}

/**
 * A valid one-page PDF with an unused dictionary of `count` distinct names. pdf-lib keeps every
 * name it has parsed in a process-wide table, so the file leaves memory behind in the worker that
 * read it: the pool must not hand that worker the next file.
 */
export function nameTablePdf(count = 400_000): Uint8Array {
  const entries = Array.from({ length: count }, (_, index) => `/k${index.toString(36)} 0`).join(' ');
  return assemblePdf({
    objects: [...onePageObjects(), { id: 6, body: `<< ${entries} >>` }],
    trailer: '/Root 1 0 R',
  });
}
