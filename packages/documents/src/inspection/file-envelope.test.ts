import { describe, expect, it } from 'vitest';
import { concatBytes, minimalPdf, pdfThenZipPolyglot, zipArchive } from '../testing/index.ts';
import { checkEnvelope, hasPdfMagic, hasTrailingZipArchive } from './file-envelope.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('checkEnvelope', () => {
  it('accepts a complete file and reads its header version', () => {
    expect(checkEnvelope(minimalPdf())).toEqual({ pdfVersion: '1.7' });
  });

  it('tolerates whitespace and NUL padding after %%EOF, as writers leave it', () => {
    expect(checkEnvelope(concatBytes([minimalPdf(), '\r\n\0\0  \n']))).toEqual({ pdfVersion: '1.7' });
  });

  it('requires the magic bytes at byte 0', () => {
    expect(hasPdfMagic(bytes('%PDF-1.4'))).toBe(true);
    expect(hasPdfMagic(bytes(' %PDF-1.4'))).toBe(false);
    expect(hasPdfMagic(bytes('%PDF'))).toBe(false);
    expect(checkEnvelope(bytes('PK\x03\x04%PDF-1.4'))).toMatchObject({ reason: 'NOT_A_PDF' });
  });

  it('calls a file without %%EOF or startxref truncated', () => {
    expect(checkEnvelope(bytes('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'))).toMatchObject({ reason: 'UNPARSABLE' });
    expect(checkEnvelope(bytes('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n'))).toMatchObject({
      reason: 'UNPARSABLE',
    });
  });

  it('finds a ZIP archive appended to a PDF, by an end record that reaches the end of the file', () => {
    expect(hasTrailingZipArchive(pdfThenZipPolyglot())).toBe(true);
    expect(hasTrailingZipArchive(minimalPdf())).toBe(false);
    // The signature alone, with a comment length that does not fit, is not an archive.
    const fake = concatBytes([
      minimalPdf(),
      Uint8Array.of(0x50, 0x4b, 0x05, 0x06),
      new Uint8Array(18).fill(7),
    ]);
    expect(hasTrailingZipArchive(fake)).toBe(false);
    const archive = zipArchive([{ name: 'x', data: bytes('y') }]);
    expect(hasTrailingZipArchive(archive)).toBe(true);
  });
});
