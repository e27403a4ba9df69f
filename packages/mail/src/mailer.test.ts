import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '@permed/config';
import { createMailer } from './mailer.ts';
import { mailOutboxHandler } from './outbox-handler.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mail-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('development mailbox', () => {
  it('writes one readable .eml per message, with sender, recipient, subject and UTF-8 text', async () => {
    const mailer = createMailer(testConfig({ DATA_DIR: dir }));
    expect(mailer.kind).toBe('mailbox');
    const sent = await mailer.send({
      to: 'anna.lindqvist@example.org',
      subject: 'Invitation to PGX-HEART',
      text: 'Hej Anna — join us: Łódź, Győr.',
      id: 'outbox-7',
    });
    const files = await readdir(path.join(dir, 'mailbox'));
    expect(files).toEqual(['outbox-7.eml']);
    expect(sent.file).toBe(path.join(dir, 'mailbox', 'outbox-7.eml'));
    const eml = await readFile(sent.file!, 'utf8');
    expect(eml).toMatch(/^From: PerMed Calls <no-reply@permed-calls.invalid>$/m);
    expect(eml).toMatch(/^To: anna.lindqvist@example.org$/m);
    expect(eml).toMatch(/^Subject: Invitation to PGX-HEART$/m);
    expect(eml).toMatch(/^Message-ID: <outbox-7@permed-calls.invalid>$/m);
    expect(eml).toMatch(/Content-Type: text\/plain; charset=utf-8/);
  });

  it('delivers outbox items idempotently: a redelivery replaces the same file', async () => {
    const handler = mailOutboxHandler(testConfig({ DATA_DIR: dir }));
    const payload = { to: 'pi@example.org', subject: 'Receipt', text: 'Version 2 received.' };
    await handler(payload, { id: 41, kind: 'mail' });
    await handler(payload, { id: 41, kind: 'mail' });
    await handler(payload, { id: 42, kind: 'mail' });
    expect((await readdir(path.join(dir, 'mailbox'))).sort()).toEqual(['outbox-41.eml', 'outbox-42.eml']);
  });

  it('refuses a payload that breaks the mail contract, so the outbox records the error', async () => {
    const handler = mailOutboxHandler(testConfig({ DATA_DIR: dir }));
    await expect(
      handler({ to: 'not an address', subject: 'x', text: 'y' }, { id: 1, kind: 'mail' }),
    ).rejects.toThrow();
    await expect(
      handler(
        { to: 'a@example.org', subject: 'x', text: 'y', bcc: 'spy@example.org' },
        { id: 2, kind: 'mail' },
      ),
    ).rejects.toThrow();
    await expect(readdir(path.join(dir, 'mailbox'))).rejects.toThrow();
  });
});
