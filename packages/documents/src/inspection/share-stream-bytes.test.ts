import { PDFDocument, PDFObjectStreamParser, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { assemblePdf, onePageObjects, streamBody } from '../testing/index.ts';
import { analysePdf } from './analyse-pdf.ts';
import { resolveLimits } from './inspection-limits.ts';
import { shareStreamBytes } from './share-stream-bytes.ts';

const forStreamBefore = PDFObjectStreamParser.forStream;

function pdfWithImage(): Uint8Array {
  const payload = new Uint8Array(64 * 1024).map((_, i) => (i * 7) % 251);
  return assemblePdf({
    objects: [
      ...onePageObjects(),
      {
        id: 6,
        body: streamBody(
          '/Type /XObject /Subtype /Image /Width 128 /Height 128 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode',
          payload,
        ),
      },
    ],
    trailer: '/Root 1 0 R',
  });
}

async function largestStream(bytes: Uint8Array): Promise<Uint8Array> {
  const document = await PDFDocument.load(bytes, { updateMetadata: false });
  const streams = document.context
    .enumerateIndirectObjects()
    .flatMap(([, object]) => (object instanceof PDFRawStream ? [object.contents] : []));
  return streams.sort((a, b) => b.byteLength - a.byteLength)[0]!;
}

describe('shareStreamBytes', () => {
  it("makes pdf-lib's stream contents views of the file's bytes while it is on, and undoes it", async () => {
    const bytes = pdfWithImage();
    const undo = shareStreamBytes();
    let shared: Uint8Array;
    try {
      shared = await largestStream(bytes);
    } finally {
      undo();
    }
    expect(shared.byteLength).toBe(64 * 1024);
    expect(shared.buffer).toBe(bytes.buffer);

    const copied = await largestStream(bytes);
    expect(copied.buffer).not.toBe(bytes.buffer);
    expect(Buffer.from(copied).equals(Buffer.from(shared))).toBe(true);
  });
});

describe('analysePdf and its pdf-lib patches', () => {
  it('undoes them when pdf-lib cannot parse the file', async () => {
    // Passes the envelope and the raw scan; pdf-lib has no catalog to load.
    const broken = new Uint8Array(Buffer.from('%PDF-1.7\nstartxref\n0\n%%EOF\n'));
    expect(await analysePdf(broken, resolveLimits())).toMatchObject({ ok: false, reason: 'UNPARSABLE' });
    const bytes = pdfWithImage();
    expect((await largestStream(bytes)).buffer).not.toBe(bytes.buffer);
    expect(PDFObjectStreamParser.forStream).toBe(forStreamBefore);
  });
});
