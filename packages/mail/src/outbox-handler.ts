import type { Config } from '@permed/config';
import type { OutboxHandler } from '@permed/db';
import { createMailer, mailPayload, type Mailer } from './mailer.ts';

/**
 * Delivers outbox items of kind 'mail' (payload `{ to, subject, text }`). The outbox id becomes the
 * Message-ID, so a message delivered twice (at-least-once outbox) is recognisably the same one and
 * the development mailbox keeps one file for it. A payload that breaks the contract throws: the
 * outbox records the error and retries with backoff, and the log shows the faulty producer.
 */
export function mailOutboxHandler(config: Config, mailer: Mailer = createMailer(config)): OutboxHandler {
  return async (payload, item) => {
    const mail = mailPayload.parse(payload);
    await mailer.send({ ...mail, id: `outbox-${item.id}` });
  };
}
