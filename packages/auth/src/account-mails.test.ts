import { describe, expect, it } from 'vitest';
import {
  alreadyRegisteredMail,
  passwordChangedMail,
  passwordResetMail,
  verificationMail,
  type MailLanguage,
} from './account-mails.ts';

const base = 'https://calls.example.org';
const token = 'tok_abc-123';
const at = new Date('2026-03-05T16:00:00Z');
const languages: MailLanguage[] = ['en', 'de', 'fr'];

const mailsIn = (language: MailLanguage) => [
  verificationMail({ to: 'a@b.org', name: 'Ana', base, token, expiresAt: at, language }),
  alreadyRegisteredMail({ to: 'a@b.org', name: 'Ana', base, language }),
  passwordResetMail({ to: 'a@b.org', name: 'Ana', base, token, expiresAt: at, language }),
  passwordChangedMail({ to: 'a@b.org', name: 'Ana', base, at, how: 'reset', language }),
  passwordChangedMail({ to: 'a@b.org', name: 'Ana', base, at, how: 'change', language }),
];

describe('account mails', () => {
  it('put each link on a line of its own, to the web pages, in every language', () => {
    for (const language of languages) {
      const [verify, already, reset] = mailsIn(language);
      expect(verify!.text.split('\n')).toContain(`${base}/verify-email?token=${token}`);
      expect(reset!.text.split('\n')).toContain(`${base}/reset-password?token=${token}`);
      expect(already!.text).toContain(`${base}/reset-password`);
      expect(already!.text).not.toContain('token=');
    }
  });

  it('are written in the person’s language, English when none is chosen', () => {
    const subjects = languages.map((l) => mailsIn(l).map((m) => m.subject));
    for (let i = 0; i < 5; i++) expect(new Set(subjects.map((s) => s[i])).size).toBe(3);
    expect(mailsIn('de')[2]!.subject).toBe('Setzen Sie Ihr PerMed-Calls-Passwort zurück');
    expect(mailsIn('fr')[0]!.text).toMatch(/^Bonjour Ana,/);
    expect(
      verificationMail({ to: 'a@b.org', name: 'Ana', base, token, expiresAt: at, language: null }).subject,
    ).toBe('Confirm your e-mail address for PerMed Calls');
  });

  it('say when a link expires and when a password changed, in UTC', () => {
    for (const language of languages)
      for (const mail of mailsIn(language).filter((_, i) => i !== 1))
        expect(mail.text).toContain('2026-03-05 16:00 UTC');
  });
});
