import { sha256Hex } from '@permed/db';

/**
 * The undertaking every reviewer accepts before any proposal is shown. Its hash is recorded with
 * the acceptance, so a later change of wording is a new version that must be accepted again.
 */
export const CONFIDENTIALITY_STATEMENT_VERSION = '2026-1';

export const CONFIDENTIALITY_STATEMENT = [
  'As a reviewer of this call I undertake to:',
  '1. keep confidential every proposal, review, score and panel discussion I see, during and after the',
  '   evaluation, and use them for this evaluation only;',
  '2. not copy, share or discuss them with anyone outside the panel, nor contact the applicants;',
  '3. declare, before reading a proposal, any conflict of interest with its partners, and stop and',
  '   tell the call office if one becomes apparent later;',
  '4. delete or return all material when the evaluation ends.',
].join('\n');

export const CONFIDENTIALITY_STATEMENT_HASH = sha256Hex(
  `${CONFIDENTIALITY_STATEMENT_VERSION}\n${CONFIDENTIALITY_STATEMENT}`,
);
