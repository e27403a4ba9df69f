import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const KEY_LENGTH = 32;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

/**
 * Hashes a password with scrypt (memory-hard, in node:crypto). The stored string carries its own
 * parameters — `scrypt$<logN>$<r>$<p>$<salt>$<hash>` — so the cost can be raised later without
 * invalidating existing hashes.
 */
export async function hashPassword(password: string, logN = 17): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** logN;
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, {
    N,
    r: BLOCK_SIZE,
    p: PARALLELISM,
    maxmem: 256 * N * BLOCK_SIZE,
  });
  return [
    'scrypt',
    logN,
    BLOCK_SIZE,
    PARALLELISM,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, logNs, rs, ps, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const logN = Number(logNs);
  const r = Number(rs);
  const p = Number(ps);
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 22) return false;
  const expected = Buffer.from(keyB64, 'base64url');
  const N = 2 ** logN;
  const actual = await scrypt(
    password.normalize('NFKC'),
    Buffer.from(saltB64, 'base64url'),
    expected.length,
    {
      N,
      r,
      p,
      maxmem: 256 * N * r,
    },
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
