import { z } from 'zod';
import type { Language } from '../../i18n';
import { checkOrcid } from './orcid';

// Not imported from i18n/index.ts: that module starts i18next when it loads, and importing it here
// would make the first page load this module (and zod) for its side effect.
const languages = ['en', 'de', 'fr'] as const satisfies readonly Language[];

// The account forms' checks in the page (messages are i18n keys, read by fieldError). They live
// here, not beside the route, and are built when called: the route's own module (which the first
// page loads) then imports nothing that runs, and zod loads with a form's page only.

export const signInSchema = () =>
  z.object({
    email: z.string().trim().min(1, 'account.errors.emailRequired'),
    password: z.string().min(1, 'account.errors.passwordRequired'),
  });

export const signUpSchema = () =>
  z.object({
    displayName: z.string().trim().min(1, 'account.errors.nameRequired').max(200, 'account.errors.nameLong'),
    email: z.string().trim().pipe(z.email('account.errors.email')),
    password: z.string().min(12, 'account.password.too-short').max(1024, 'account.password.too-long'),
    language: z.enum(languages),
  });

export const forgotSchema = () =>
  z.object({ email: z.string().trim().pipe(z.email('account.errors.email')) });

export const resetSchema = () =>
  z.object({
    password: z.string().min(12, 'account.password.too-short').max(1024, 'account.password.too-long'),
  });

export const profileSchema = () =>
  z.object({
    displayName: z.string().trim().min(1, 'account.errors.nameRequired').max(200, 'account.errors.nameLong'),
    orcid: z
      .string()
      .trim()
      .superRefine((value, ctx) => {
        if (value === '') return;
        const verdict = checkOrcid(value);
        if (verdict === 'shape') ctx.addIssue({ code: 'custom', message: 'account.errors.orcidShape' });
        if (verdict === 'checksum') ctx.addIssue({ code: 'custom', message: 'account.errors.orcidChecksum' });
      }),
    timeZone: z.string().nullable(),
    language: z.union([z.enum(languages), z.literal('')]),
  });

export const passwordSchema = () =>
  z.object({
    currentPassword: z.string().min(1, 'account.errors.passwordRequired'),
    newPassword: z.string().min(12, 'account.password.too-short').max(1024, 'account.password.too-long'),
  });
