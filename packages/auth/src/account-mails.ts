/**
 * The e-mails of the account routes (outbox kind 'mail', payload { to, subject, text }), in the
 * person's language (en, de, fr; English when none is chosen). Links go to the web application's
 * pages under PUBLIC_URL; the token travels in the query string because those pages read it from
 * there, and it is single-use and short-lived, so a copy in a log is worth little once used.
 */
export interface AccountMail {
  to: string;
  subject: string;
  text: string;
}

export type MailLanguage = 'en' | 'de' | 'fr';

/** Instants in the mail: UTC, written the same way in every language so nothing is ambiguous. */
const utc = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const words = {
  en: {
    dear: (name: string) => `Dear ${name},`,
    signature: 'PerMed Calls',
    verify: {
      subject: 'Confirm your e-mail address for PerMed Calls',
      intro: 'to finish creating your PerMed Calls account, confirm that this address is yours:',
      expiry: (at: string) => `The link works once and expires at ${at}.`,
      ignore: 'If you did not sign up, ignore this message: without the link no account is opened.',
    },
    already: {
      subject: 'Someone tried to register with your e-mail address',
      intro: [
        'someone (perhaps you) tried to create a PerMed Calls account with this address, which',
        'already has one. No second account was created and your account is unchanged.',
      ],
      signIn: (base: string) => `If it was you, sign in at ${base}/sign-in, or set a new password at`,
      reset: (base: string) => `${base}/reset-password if you have forgotten it.`,
      ignore: 'If it was not you, you need not do anything.',
    },
    reset: {
      subject: 'Reset your PerMed Calls password',
      intro: 'a new password was asked for your PerMed Calls account. Choose it here:',
      expiry: (at: string) =>
        `The link works once and expires at ${at}. Setting the new password signs you out everywhere.`,
      ignore: 'If you did not ask for this, ignore this message: your password stays as it is.',
    },
    changed: {
      subject: 'Your PerMed Calls password was changed',
      what: (how: 'reset' | 'change', at: string) =>
        `the password of your PerMed Calls account was ${how === 'reset' ? 'reset by e-mail' : 'changed'} at ${at}.`,
      sessions: (how: 'reset' | 'change') =>
        how === 'reset' ? 'Every session was signed out.' : 'Every other session was signed out.',
      notYou: (base: string) => `If this was not you, set a new password at once at ${base}/reset-password.`,
    },
  },
  de: {
    dear: (name: string) => `Guten Tag ${name},`,
    signature: 'PerMed Calls',
    verify: {
      subject: 'Bestätigen Sie Ihre E-Mail-Adresse für PerMed Calls',
      intro:
        'um Ihr PerMed-Calls-Konto fertig anzulegen, bestätigen Sie bitte, dass diese Adresse Ihnen gehört:',
      expiry: (at: string) => `Der Link gilt einmal und läuft am ${at} ab.`,
      ignore:
        'Wenn Sie sich nicht registriert haben, ignorieren Sie diese Nachricht: ohne den Link wird kein Konto eröffnet.',
    },
    already: {
      subject: 'Jemand wollte sich mit Ihrer E-Mail-Adresse registrieren',
      intro: [
        'jemand (vielleicht Sie) wollte mit dieser Adresse ein PerMed-Calls-Konto anlegen; die Adresse',
        'hat aber schon eines. Es wurde kein zweites Konto angelegt, und Ihr Konto ist unverändert.',
      ],
      signIn: (base: string) =>
        `Wenn Sie es waren, melden Sie sich unter ${base}/sign-in an oder wählen Sie unter`,
      reset: (base: string) => `${base}/reset-password ein neues Passwort, falls Sie es vergessen haben.`,
      ignore: 'Wenn Sie es nicht waren, müssen Sie nichts tun.',
    },
    reset: {
      subject: 'Setzen Sie Ihr PerMed-Calls-Passwort zurück',
      intro: 'für Ihr PerMed-Calls-Konto wurde ein neues Passwort angefordert. Wählen Sie es hier:',
      expiry: (at: string) =>
        `Der Link gilt einmal und läuft am ${at} ab. Mit dem neuen Passwort werden Sie überall abgemeldet.`,
      ignore:
        'Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt, wie es ist.',
    },
    changed: {
      subject: 'Ihr PerMed-Calls-Passwort wurde geändert',
      what: (how: 'reset' | 'change', at: string) =>
        `das Passwort Ihres PerMed-Calls-Kontos wurde am ${at} ${how === 'reset' ? 'per E-Mail zurückgesetzt' : 'geändert'}.`,
      sessions: (how: 'reset' | 'change') =>
        how === 'reset' ? 'Alle Sitzungen wurden abgemeldet.' : 'Alle anderen Sitzungen wurden abgemeldet.',
      notYou: (base: string) =>
        `Wenn Sie das nicht waren, wählen Sie sofort unter ${base}/reset-password ein neues Passwort.`,
    },
  },
  fr: {
    dear: (name: string) => `Bonjour ${name},`,
    signature: 'PerMed Calls',
    verify: {
      subject: 'Confirmez votre adresse e-mail pour PerMed Calls',
      intro:
        'pour terminer la création de votre compte PerMed Calls, confirmez que cette adresse est la vôtre :',
      expiry: (at: string) => `Le lien ne sert qu’une fois et expire le ${at}.`,
      ignore:
        'Si vous ne vous êtes pas inscrit, ignorez ce message : sans le lien, aucun compte n’est ouvert.',
    },
    already: {
      subject: 'Quelqu’un a tenté de s’inscrire avec votre adresse e-mail',
      intro: [
        'quelqu’un (peut-être vous) a tenté de créer un compte PerMed Calls avec cette adresse, qui en',
        'a déjà un. Aucun second compte n’a été créé et votre compte est inchangé.',
      ],
      signIn: (base: string) =>
        `Si c’était vous, connectez-vous sur ${base}/sign-in, ou choisissez un nouveau mot de passe sur`,
      reset: (base: string) => `${base}/reset-password si vous l’avez oublié.`,
      ignore: 'Si ce n’était pas vous, vous n’avez rien à faire.',
    },
    reset: {
      subject: 'Réinitialisez votre mot de passe PerMed Calls',
      intro: 'un nouveau mot de passe a été demandé pour votre compte PerMed Calls. Choisissez-le ici :',
      expiry: (at: string) =>
        `Le lien ne sert qu’une fois et expire le ${at}. Le nouveau mot de passe vous déconnecte partout.`,
      ignore: 'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.',
    },
    changed: {
      subject: 'Votre mot de passe PerMed Calls a été modifié',
      what: (how: 'reset' | 'change', at: string) =>
        `le mot de passe de votre compte PerMed Calls a été ${how === 'reset' ? 'réinitialisé par e-mail' : 'modifié'} le ${at}.`,
      sessions: (how: 'reset' | 'change') =>
        how === 'reset'
          ? 'Toutes les sessions ont été fermées.'
          : 'Toutes les autres sessions ont été fermées.',
      notYou: (base: string) =>
        `Si ce n’était pas vous, choisissez tout de suite un nouveau mot de passe sur ${base}/reset-password.`,
    },
  },
} as const;

const pick = (language: MailLanguage | null | undefined) => words[language ?? 'en'];

/** Every account mail is one letter: the greeting, its own lines, then the signature. */
function letter(
  w: ReturnType<typeof pick>,
  recipient: { to: string; name: string },
  subject: string,
  body: readonly string[],
): AccountMail {
  return {
    to: recipient.to,
    subject,
    text: [w.dear(recipient.name), '', ...body, '', '—', w.signature].join('\n'),
  };
}

/** Who a mail with a single-use link goes to, and the link's token and end. */
interface LinkMailArgs {
  to: string;
  name: string;
  base: string;
  token: string;
  expiresAt: Date;
  language?: MailLanguage | null;
}

/** A mail whose point is one single-use link: what it is for, the link, when it ends. */
function linkMail(args: LinkMailArgs, kind: 'verify' | 'reset', page: string): AccountMail {
  const w = pick(args.language);
  return letter(w, args, w[kind].subject, [
    w[kind].intro,
    '',
    `${args.base}/${page}?token=${args.token}`,
    '',
    w[kind].expiry(utc(args.expiresAt)),
    w[kind].ignore,
  ]);
}

export function verificationMail(args: LinkMailArgs): AccountMail {
  return linkMail(args, 'verify', 'verify-email');
}

/** Sent instead of a verification mail when the address already has an account. */
export function alreadyRegisteredMail(args: {
  to: string;
  name: string;
  base: string;
  language?: MailLanguage | null;
}): AccountMail {
  const w = pick(args.language);
  return letter(w, args, w.already.subject, [
    ...w.already.intro,
    '',
    w.already.signIn(args.base),
    w.already.reset(args.base),
    w.already.ignore,
  ]);
}

export function passwordResetMail(args: LinkMailArgs): AccountMail {
  return linkMail(args, 'reset', 'reset-password');
}

/** Tells the owner that the password changed, so a change they did not make does not go unseen. */
export function passwordChangedMail(args: {
  to: string;
  name: string;
  base: string;
  at: Date;
  how: 'reset' | 'change';
  language?: MailLanguage | null;
}): AccountMail {
  const w = pick(args.language);
  return letter(w, args, w.changed.subject, [
    w.changed.what(args.how, utc(args.at)),
    w.changed.sessions(args.how),
    '',
    w.changed.notYou(args.base),
  ]);
}
