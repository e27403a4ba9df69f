import zlib from 'node:zlib';

// A tiny PDF writer for tests: it writes exactly the bytes it is given, with correct offsets,
// so a hostile file is valid in every way except the one being tested.

export type Part = string | Uint8Array;

export interface RawObject {
  readonly id: number;
  /** The object's body, between "N 0 obj" and "endobj". */
  readonly body: Part | readonly Part[];
}

export interface AssembleOptions {
  readonly version?: string;
  readonly objects: readonly RawObject[];
  /** Entries of the trailer dictionary (or of the cross-reference stream's dictionary), e.g. "/Root 1 0 R". */
  readonly trailer: string;
  /** A classic "xref" table (default) or a PDF 1.5 cross-reference stream. */
  readonly xref?: 'table' | 'stream';
}

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);

function toBytes(part: Part): Uint8Array {
  return typeof part === 'string' ? latin1(part) : part;
}

export function concatBytes(parts: readonly Part[]): Uint8Array {
  const chunks = parts.map(toBytes);
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** A stream object body: the dictionary entries get a correct /Length. */
export function streamBody(dictEntries: string, data: Uint8Array): Part[] {
  return [`<< ${dictEntries} /Length ${data.length} >>\nstream\n`, data, '\nendstream'];
}

export function assemblePdf(options: AssembleOptions): Uint8Array {
  const parts: Uint8Array[] = [latin1(`%PDF-${options.version ?? '1.7'}\n%\xe2\xe3\xcf\xd3\n`)];
  let length = parts[0]!.length;
  const offsets = new Map<number, number>();
  const push = (part: Part): void => {
    const bytes = toBytes(part);
    parts.push(bytes);
    length += bytes.length;
  };
  for (const object of options.objects) {
    offsets.set(object.id, length);
    push(`${object.id} 0 obj\n`);
    const body: readonly Part[] = Array.isArray(object.body) ? object.body : [object.body as Part];
    body.forEach(push);
    push('\nendobj\n');
  }
  const size = Math.max(0, ...options.objects.map((object) => object.id)) + 1;
  const xrefAt = length;
  if (options.xref === 'stream') {
    // Entries of 1 + 4 + 2 bytes: type, offset, generation. The stream itself is object `size`.
    const entries = new Uint8Array((size + 1) * 7);
    const view = new DataView(entries.buffer);
    for (let id = 0; id <= size; id += 1) {
      const offset = id === size ? xrefAt : offsets.get(id);
      view.setUint8(id * 7, offset === undefined ? 0 : 1);
      view.setUint32(id * 7 + 1, offset ?? 0);
      view.setUint16(id * 7 + 5, offset === undefined ? 65535 : 0);
    }
    push(`${size} 0 obj\n`);
    streamBody(`/Type /XRef /Size ${size + 1} /W [1 4 2] ${options.trailer}`, entries).forEach(push);
    push('\nendobj\n');
  } else {
    let table = `xref\n0 ${size}\n`;
    for (let id = 0; id < size; id += 1) {
      const offset = offsets.get(id);
      table +=
        offset === undefined ? '0000000000 65535 f \n' : `${String(offset).padStart(10, '0')} 00000 n \n`;
    }
    push(`${table}trailer\n<< /Size ${size} ${options.trailer} >>\n`);
  }
  push(`startxref\n${xrefAt}\n%%EOF\n`);
  return concatBytes(parts);
}

/** A one-page document: catalog 1, pages 2, page 3, contents 4, font 5; ids from 6 are free. */
export function onePageObjects(extra: { catalog?: string; page?: string } = {}): RawObject[] {
  const content = latin1('BT /F1 12 Tf 72 720 Td (Hello, reviewer) Tj ET');
  return [
    { id: 1, body: `<< /Type /Catalog /Pages 2 0 R ${extra.catalog ?? ''} >>` },
    { id: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
    {
      id: 3,
      body: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> ${extra.page ?? ''} >>`,
    },
    { id: 4, body: streamBody('', content) },
    { id: 5, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>' },
  ];
}

/**
 * An object stream (PDF 1.5) holding `objects`, deflated: what modern writers produce, and where a
 * scan of the raw bytes sees nothing.
 */
export function objectStreamBody(objects: readonly { id: number; body: string }[]): Part[] {
  let offsets = '';
  let bodies = '';
  for (const object of objects) {
    offsets += `${object.id} ${bodies.length} `;
    bodies += `${object.body}\n`;
  }
  const data = zlib.deflateSync(latin1(offsets + bodies));
  return streamBody(`/Type /ObjStm /N ${objects.length} /First ${offsets.length} /Filter /FlateDecode`, data);
}
