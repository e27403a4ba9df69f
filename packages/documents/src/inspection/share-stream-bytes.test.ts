import { PDFDocument, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { assemblePdf, onePageObjects, streamBody } from '../testing/index.ts';
import { shareStreamBytes } from './share-stream-bytes.ts';

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
