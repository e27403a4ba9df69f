import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as de from '@zxcvbn-ts/language-de';
import * as en from '@zxcvbn-ts/language-en';
import * as fr from '@zxcvbn-ts/language-fr';
import { AppError } from '@permed/http';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;
/** zxcvbn's "safely unguessable" band (≥ 10^8 guesses): what a new password must reach. */
export const PASSWORD_MIN_SCORE = 3;
/**
 * zxcvbn analyses only this many characters. Its cost grows with length (measured on the 2-core
 * development machine: 256 characters of mixed symbols took 0.9–6 s; capped at 64, a 1024-character one takes 43–73 ms), and a
 * sign-up is anonymous, so the analysed prefix is capped; a prefix of 64 characters that is
 * strong makes the whole password strong, and a weak prefix is refused, which is the safe side.
 */
export const PASSWORD_ANALYSED_LENGTH = 64;

export interface PasswordFeedback {
  warning: string | null;
  suggestions: string[];
}

export type PasswordVerdict =
  | { ok: true; score: number }
  | {
      ok: false;
      reason: 'too-short' | 'too-long' | 'weak' | 'personal';
      score: number | null;
      feedback: PasswordFeedback;
    };

let factory: ZxcvbnFactory | null = null;

/**
 * One estimator per process, built on first use (the dictionaries take ~60–300 ms to index).
 * Dictionaries: common (breached passwords, diceware), English, French and German words and names
 * (the calls are run from Germany and France). Levenshtein matching is off: it compares the
 * password with all ~400,000 words and cost 200–300 ms per check even for 12 characters, a cheap
 * way for an anonymous client to burn CPU; l33t substitutions are capped at 10 for the same
 * reason (the default 100 took 0.9 s on 100 characters).
 */
function estimator(): ZxcvbnFactory {
  // language-de 3.x names its lists without a language suffix; suffix them so they cannot
  // collide with another language's lists of the same name.
  const german = Object.fromEntries(
    Object.entries(de.dictionary).map(([name, words]) => [`${name}-de`, words]),
  );
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...fr.dictionary, ...german },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    useLevenshteinDistance: false,
    l33tMaxSubstitutions: 10,
    maxLength: PASSWORD_ANALYSED_LENGTH,
  });
  return factory;
}

/** Parts of a person's identity a password must not contain: the e-mail, its local part, name words. */
function personalParts(personal: { email?: string | null; name?: string | null }): string[] {
  const parts = new Set<string>();
  const email = personal.email?.trim().toLowerCase();
  if (email) {
    parts.add(email);
    const local = email.split('@')[0] ?? '';
    parts.add(local);
    for (const piece of local.split(/[^\p{L}\p{N}]+/u)) parts.add(piece);
  }
  for (const word of (personal.name ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u)) parts.add(word);
  // Shorter fragments (initials, "de", "li") occur in strong passwords by chance.
  return [...parts].filter((p) => p.length >= 4);
}

/**
 * Judges a NEW password (ASVS 5.0 §6.2): 12–1024 characters, not containing the person's e-mail or
 * name, and strong by zxcvbn's estimate against breached-password and word lists. Pure and
 * synchronous; the feedback is zxcvbn's own (English) text for a page to show.
 */
export function judgePassword(
  password: string,
  personal: { email?: string | null; name?: string | null } = {},
): PasswordVerdict {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    return {
      ok: false,
      reason: 'too-short',
      score: null,
      feedback: { warning: `Use at least ${PASSWORD_MIN_LENGTH} characters.`, suggestions: [] },
    };
  if (length > PASSWORD_MAX_LENGTH)
    return {
      ok: false,
      reason: 'too-long',
      score: null,
      feedback: { warning: `Use at most ${PASSWORD_MAX_LENGTH} characters.`, suggestions: [] },
    };
  const folded = password.normalize('NFKC').toLowerCase();
  const personalHit = personalParts(personal).find((part) => folded.includes(part));
  if (personalHit !== undefined)
    return {
      ok: false,
      reason: 'personal',
      score: null,
      feedback: {
        warning: 'The password contains your e-mail address or your name.',
        suggestions: ['Leave your e-mail address and name out of your password.'],
      },
    };
  const personalInputs = personalParts(personal);
  const result = estimator().check(password.normalize('NFKC'), personalInputs);
  if (result.score < PASSWORD_MIN_SCORE)
    return {
      ok: false,
      reason: 'weak',
      score: result.score,
      feedback: {
        warning: result.feedback.warning ?? 'This password is too easy to guess.',
        suggestions: result.feedback.suggestions,
      },
    };
  return { ok: true, score: result.score };
}

/**
 * Throws 400 WEAK_PASSWORD unless the new password is acceptable. The problem carries the field's
 * JSON pointer and the estimator's feedback, so a form can show it beside the field.
 */
export function assertStrongPassword(
  password: string,
  personal: { email?: string | null; name?: string | null },
  field: { in: string; path: string } = { in: 'body', path: '/password' },
): void {
  const verdict = judgePassword(password, personal);
  if (verdict.ok) return;
  throw new AppError('WEAK_PASSWORD', verdict.feedback.warning ?? undefined, {
    errors: [
      {
        in: field.in,
        path: field.path,
        message: verdict.feedback.warning ?? 'This password is too easy to guess.',
        code: verdict.reason,
      },
    ],
    extensions: { feedback: verdict.feedback, score: verdict.score },
  });
}
