import { and, asc, eq, sql } from 'drizzle-orm';
import { schema, type Db } from '@permed/db';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * STAND-IN FOR THE USER'S E-MAIL INBOX. The platform has no HTTP mailbox: e-mails leave through
 * the outbox (kind 'mail', payload { to, subject, text }) to SMTP or DATA_DIR/mailbox. The journey
 * reads what was queued for one address, oldest first — exactly what that person would find in
 * their inbox — and nothing else from the database.
 */
export async function inbox(db: Db, to: string): Promise<Mail[]> {
  const rows = await db
    .select({ payload: schema.outbox.payload })
    .from(schema.outbox)
    .where(and(eq(schema.outbox.kind, 'mail'), sql`${schema.outbox.payload}->>'to' = ${to}`))
    .orderBy(asc(schema.outbox.id));
  return rows.map((r) => r.payload as unknown as Mail);
}

/** The token in the latest invitation whose subject starts so (the mails show the JSON to POST). */
export async function invitationToken(db: Db, to: string, subjectStart: string): Promise<string> {
  const mails = (await inbox(db, to)).filter((m) => m.subject.startsWith(subjectStart));
  const match = /"token": "([A-Za-z0-9_-]+)"/.exec(mails.at(-1)?.text ?? '');
  if (!match) throw new Error(`no "${subjectStart}" mail with a token in the inbox of ${to}`);
  return match[1]!;
}
