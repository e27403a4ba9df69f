import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashPassword, verifyPassword } from './password.ts';

describe('scrypt password hashes', () => {
  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword('correct horse battery staple', 14);
    expect(stored).toMatch(/^scrypt\$14\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashPassword('same', 14)).not.toBe(await hashPassword('same', 14));
  });

  it('treats Unicode-equivalent spellings as the same password (NFKC)', async () => {
    const stored = await hashPassword('Mu\u0308ller', 14);
    expect(await verifyPassword('M\u00fcller', stored)).toBe(true);
  });

  it('refuses malformed stored hashes instead of throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), async (garbage) => {
        expect(await verifyPassword('x', garbage)).toBe(false);
      }),
      { numRuns: 200 },
    );
    expect(await verifyPassword('x', 'scrypt$99$8$1$aaaa$bbbb')).toBe(false);
  });
});
