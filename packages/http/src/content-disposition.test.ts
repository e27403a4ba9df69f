import fc from 'fast-check';
import { parse } from 'content-disposition';
import { describe, expect, it } from 'vitest';
import { contentDisposition } from './content-disposition.ts';

describe('contentDisposition', () => {
  it('is printable ASCII, and a client reading filename* gets the name back (lone surrogates as U+FFFD)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.constantFrom('attachment', 'inline'),
        (name, kind) => {
          const header = contentDisposition(kind, name);
          expect(header).toMatch(/^[\x20-\x7e]*$/);
          const parsed = parse(header);
          expect(parsed.type).toBe(kind);
          expect(parsed.parameters.filename).toBe(name.toWellFormed());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives old clients an ASCII name without quotes, backslashes or percent signs', () => {
    expect(contentDisposition('attachment', 'Café "100%" \\ Łódź.pdf')).toBe(
      `attachment; filename="Cafe _100__ _ _odz.pdf"; filename*=UTF-8''Caf%C3%A9%20%22100%25%22%20%5C%20%C5%81%C3%B3d%C5%BA.pdf`,
    );
  });
});
