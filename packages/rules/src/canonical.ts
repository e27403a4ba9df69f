import { type Finding } from './context.ts';

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical order of findings: errors first, then by rule, funder, partners and message. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.level !== b.level) return a.level === 'error' ? -1 : 1;
  return (
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.funderId ?? '', b.funderId ?? '') ||
    compareStrings(a.partnerIds.join('\u0000'), b.partnerIds.join('\u0000')) ||
    compareStrings(a.message, b.message)
  );
}

/** JSON with object keys sorted at every depth: equal values give equal text (for hashing, comparing). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
