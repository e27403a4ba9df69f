import { humanInZone, type ZonedInstant } from '@permed/domain';

/** The outbox contract for e-mail: kind 'mail', payload { to, subject, text }. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export function invitationMail(args: {
  to: string;
  name: string;
  callTitle: string;
  base: string;
  token: string;
  expiresAt: Date;
}): Mail {
  return {
    to: args.to,
    subject: `Invitation to review for ${args.callTitle}`,
    text: [
      `Dear ${args.name},`,
      '',
      `the call office invites you to review proposals of "${args.callTitle}".`,
      '',
      // The token travels in the fragment, which browsers never send to a server, so it stays out of access logs.
      `Accept or decline: ${args.base}/review-invitation#${args.token}`,
      `(API: POST ${args.base}/api/evaluation/invitations/accept or /decline with {"token": "${args.token}"})`,
      '',
      `The link works once and expires on ${args.expiresAt.toISOString()}.`,
      'Accepting gives you the reviewer role for this call; before any proposal is shown you will be',
      'asked to accept the confidentiality undertaking and to declare conflicts of interest.',
    ].join('\n'),
  };
}

export function reminderMail(args: {
  to: string;
  name: string;
  callTitle: string;
  pending: readonly string[];
  deadline: ZonedInstant | null;
  base: string;
  callId: string;
}): Mail {
  return {
    to: args.to,
    subject: `Reminder: ${args.pending.length} review(s) pending for ${args.callTitle}`,
    text: [
      `Dear ${args.name},`,
      '',
      `these reviews of "${args.callTitle}" are not submitted yet:`,
      ...args.pending.map((a) => `  - ${a}`),
      '',
      args.deadline
        ? `The deadline is ${humanInZone(args.deadline)}; the server clock decides.`
        : 'Please submit them as soon as you can.',
      `Your assignments: ${args.base}/api/evaluation/calls/${args.callId}/my-assignments`,
    ].join('\n'),
  };
}

export function newAssignmentMail(args: {
  to: string;
  name: string;
  callTitle: string;
  acronym: string;
  base: string;
  callId: string;
}): Mail {
  return {
    to: args.to,
    subject: `New review assignment: ${args.acronym} (${args.callTitle})`,
    text: [
      `Dear ${args.name},`,
      '',
      `the proposal ${args.acronym} of "${args.callTitle}" has been assigned to you, replacing a reviewer`,
      'who could not take it. Please declare any conflict of interest before reading it.',
      `Your assignments: ${args.base}/api/evaluation/calls/${args.callId}/my-assignments`,
    ].join('\n'),
  };
}
