import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '@permed/http';
import { assertStrongPassword, judgePassword, PASSWORD_ANALYSED_LENGTH } from './password-policy.ts';

describe('judgePassword', () => {
  it.each([
    ['twelve spaces', ' '.repeat(12)],
    ['one letter repeated', 'aaaaaaaaaaaa'],
    ['a breached password with digits', 'password1234'],
    ['a keyboard walk', 'qwertyuiop123'],
    ['a German password', 'Passwort1234'],
    ['a French word and digits', 'motdepasse12'],
    ['an AZERTY keyboard row', 'azertyuiop12'],
    ['a long repetition', 'abc'.repeat(300)],
  ])('refuses %s', (_what, password) => {
    const verdict = judgePassword(password);
    expect(verdict).toMatchObject({ ok: false, reason: 'weak' });
    if (!verdict.ok) expect(verdict.feedback.warning).toEqual(expect.any(String));
  });

  it.each([
    ['a four-word passphrase', 'correct horse battery staple'],
    ['random characters', 'k3Jx9_Qe2LpZ'],
    ['the test fixtures', 'pw-0123456789abcdef'],
  ])('accepts %s', (_what, password) => {
    expect(judgePassword(password)).toMatchObject({ ok: true });
  });

  it('keeps the length limits, counting characters, not UTF-16 units', () => {
    expect(judgePassword('Xy9!kP2#mQ4')).toMatchObject({ ok: false, reason: 'too-short' });
    expect(judgePassword('🔒'.repeat(12) + 'Xy9!kP2#')).toMatchObject({ ok: true });
    expect(judgePassword('Xy9!kP2#mQ4$'.repeat(86))).toMatchObject({ ok: false, reason: 'too-long' });
  });

  it("refuses a password containing the person's e-mail, its local part or a word of the name", () => {
    const person = { email: 'Cora.Coordinator@example.org', name: 'Cora Lindqvist' };
    for (const password of ['xQ7!cora.coordinator@example.org', 'Zr8#coordinator-Wq2', 'lindqvist-Pq9$Tz4!'])
      expect(judgePassword(password, person)).toMatchObject({ ok: false, reason: 'personal' });
    expect(judgePassword('k3Jx9_Qe2LpZ', person)).toMatchObject({ ok: true });
  });

  it('gives every refusal a warning a page can show, and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.emailAddress(), (password, email) => {
        const verdict = judgePassword(password, { email });
        if (!verdict.ok) expect(verdict.feedback.warning).toMatch(/\S/);
      }),
      { numRuns: 150 },
    );
  });

  it(`analyses at most ${PASSWORD_ANALYSED_LENGTH} characters, so a 1024-character password costs no more than a short one`, () => {
    const hostile = 'aB3$'.repeat(256);
    judgePassword(hostile);
    const started = performance.now();
    judgePassword(hostile);
    judgePassword('Zq8!pL2@wE5#rT7%yU0^'.repeat(51).slice(0, 1024));
    // Uncapped, each of these took 0.9–6 s on the development machine.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('assertStrongPassword', () => {
  it('throws 400 WEAK_PASSWORD with the field path and the feedback', () => {
    let error: unknown;
    try {
      assertStrongPassword('password1234', {}, { in: 'body', path: '/newPassword' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('WEAK_PASSWORD');
    expect(e.errors).toEqual([
      { in: 'body', path: '/newPassword', message: expect.any(String), code: 'weak' },
    ]);
    expect(e.extensions).toMatchObject({
      score: expect.any(Number),
      feedback: { warning: expect.any(String), suggestions: expect.any(Array) },
    });
  });
});
