/**
 * The e-mails of the account routes (outbox kind 'mail', payload { to, subject, text }). Links go
 * to the web application's pages under PUBLIC_URL; the token travels in the query string because
 * those pages read it from there, and it is single-use and short-lived, so a copy in a log is
 * worth little once used.
 */
export interface AccountMail {
  to: string;
  subject: string;
  text: string;
}

const signature = ['', '—', 'PerMed Calls'];

export function verificationMail(args: {
  to: string;
  name: string;
  base: string;
  token: string;
  expiresAt: Date;
}): AccountMail {
  return {
    to: args.to,
    subject: 'Confirm your e-mail address for PerMed Calls',
    text: [
      `Dear ${args.name},`,
      '',
      'to finish creating your PerMed Calls account, confirm that this address is yours:',
      '',
      `${args.base}/verify-email?token=${args.token}`,
      '',
      `The link works once and expires at ${args.expiresAt.toISOString()}.`,
      'If you did not sign up, ignore this message: without the link no account is opened.',
      ...signature,
    ].join('\n'),
  };
}

/** Sent instead of a verification mail when the address already has an account. */
export function alreadyRegisteredMail(args: { to: string; name: string; base: string }): AccountMail {
  return {
    to: args.to,
    subject: 'Someone tried to register with your e-mail address',
    text: [
      `Dear ${args.name},`,
      '',
      'someone (perhaps you) tried to create a PerMed Calls account with this address, which',
      'already has one. No second account was created and your account is unchanged.',
      '',
      `If it was you, sign in at ${args.base}/sign-in, or set a new password at`,
      `${args.base}/reset-password if you have forgotten it.`,
      'If it was not you, you need not do anything.',
      ...signature,
    ].join('\n'),
  };
}

export function passwordResetMail(args: {
  to: string;
  name: string;
  base: string;
  token: string;
  expiresAt: Date;
}): AccountMail {
  return {
    to: args.to,
    subject: 'Reset your PerMed Calls password',
    text: [
      `Dear ${args.name},`,
      '',
      'a new password was asked for your PerMed Calls account. Choose it here:',
      '',
      `${args.base}/reset-password?token=${args.token}`,
      '',
      `The link works once and expires at ${args.expiresAt.toISOString()}. Setting the new`,
      'password signs you out everywhere.',
      'If you did not ask for this, ignore this message: your password stays as it is.',
      ...signature,
    ].join('\n'),
  };
}

/** Tells the owner that the password changed, so a change they did not make does not go unseen. */
export function passwordChangedMail(args: {
  to: string;
  name: string;
  base: string;
  at: Date;
  how: 'reset' | 'change';
}): AccountMail {
  return {
    to: args.to,
    subject: 'Your PerMed Calls password was changed',
    text: [
      `Dear ${args.name},`,
      '',
      `the password of your PerMed Calls account was ${args.how === 'reset' ? 'reset by e-mail' : 'changed'} at ${args.at.toISOString()}.`,
      args.how === 'reset' ? 'Every session was signed out.' : 'Every other session was signed out.',
      '',
      `If this was not you, set a new password at once at ${args.base}/reset-password.`,
      ...signature,
    ].join('\n'),
  };
}
