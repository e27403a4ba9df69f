import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of a value. Key order never changes the hash, so a
 * stored hash can be recomputed from the same data on any machine; array order does, which is why
 * callers sort collections whose order carries no meaning before hashing.
 */
export function canonicalHash(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares two ids by UTF-16 code units: the same order on every machine, unlike localeCompare. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
