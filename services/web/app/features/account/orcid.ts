// The ORCID iD's check character (ISO 7064 MOD 11-2), checked in the page for instant feedback;
// the server checks it again and decides.

const shape = /^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/;

/** The check character of the first 15 digits: '0'–'9' or 'X' for ten. */
export function orcidCheckCharacter(digits: string): string {
  let total = 0;
  for (const digit of digits) total = (total + Number(digit)) * 2;
  const result = (12 - (total % 11)) % 11;
  return result === 10 ? 'X' : String(result);
}

export type OrcidVerdict = 'ok' | 'shape' | 'checksum';

/** 'shape' for anything not written 0000-0000-0000-000X; 'checksum' for a mistyped digit. */
export function checkOrcid(value: string): OrcidVerdict {
  const id = value.trim().toUpperCase();
  if (!shape.test(id)) return 'shape';
  const digits = id.replaceAll('-', '');
  return orcidCheckCharacter(digits.slice(0, 15)) === digits[15] ? 'ok' : 'checksum';
}
