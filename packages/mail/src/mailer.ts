import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { z } from 'zod';
import type { Config } from '@permed/config';

/** The outbox contract for e-mail (kind 'mail'): plain text to one address. */
export const mailPayload = z
  .object({
    to: z.email().max(254),
    subject: z.string().min(1).max(300),
    text: z.string().max(100_000),
  })
  .strict();
export type MailPayload = z.infer<typeof mailPayload>;

export interface OutgoingMail extends MailPayload {
  /** Stable id (e.g. from the outbox row) so that a redelivered message is recognisably the same. */
  id?: string;
  date?: Date;
}

export interface Mailer {
  /** 'smtp' when SMTP_URL is set; 'mailbox' writes .eml files for a person to read. */
  readonly kind: 'smtp' | 'mailbox';
  /** Where mailbox mail goes (the directory), for logs; null for SMTP. */
  readonly mailbox: string | null;
  send(mail: OutgoingMail): Promise<{ messageId: string; file?: string }>;
  close(): void;
}

function domainOf(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'permed-calls.invalid';
}

/**
 * SMTP through nodemailer when `SMTP_URL` is set; otherwise a development mailbox: one RFC 5322
 * `.eml` file per message in `DATA_DIR/mailbox/`, readable in any mail client or text editor. The
 * file is named after the message id and written atomically, so a redelivery replaces it.
 */
export function createMailer(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'DATA_DIR'>): Mailer {
  const domain = domainOf(config.MAIL_FROM);
  const messageIdOf = (mail: OutgoingMail) =>
    mail.id ? `<${mail.id.replace(/[^A-Za-z0-9._-]/g, '_')}@${domain}>` : undefined;

  if (config.SMTP_URL) {
    const transport = createTransport(config.SMTP_URL);
    return {
      kind: 'smtp',
      mailbox: null,
      async send(mail) {
        const messageId = messageIdOf(mail);
        const info = await transport.sendMail({
          from: config.MAIL_FROM,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(messageId ? { messageId } : {}),
          ...(mail.date ? { date: mail.date } : {}),
        });
        return { messageId: info.messageId };
      },
      close: () => transport.close(),
    };
  }

  const dir = path.join(config.DATA_DIR, 'mailbox');
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'mailbox',
    mailbox: dir,
    async send(mail) {
      const messageId = messageIdOf(mail);
      const info = await composer.sendMail({
        from: config.MAIL_FROM,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(messageId ? { messageId } : {}),
        ...(mail.date ? { date: mail.date } : {}),
      });
      await mkdir(dir, { recursive: true });
      // Named after the message id when there is one, so a redelivered message replaces its file.
      const base = mail.id ?? `${Date.now()}-${randomBytes(6).toString('hex')}`;
      const name = `${base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120)}.eml`;
      const file = path.join(dir, name);
      const temp = `${file}.part`;
      await writeFile(temp, info.message as Buffer, { mode: 0o600 });
      await rename(temp, file);
      return { messageId: info.messageId, file };
    },
    close: () => composer.close(),
  };
}
