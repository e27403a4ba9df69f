import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '@permed/config';
import { createMailer } from './mailer.ts';

/** A minimal SMTP server (RFC 5321 happy path) that records what it receives. */
function fakeSmtp(): Promise<{
  server: Server;
  port: number;
  received: { from: string; to: string[]; data: string }[];
}> {
  const received: { from: string; to: string[]; data: string }[] = [];
  const server = createServer((socket: Socket) => {
    let buffer = '';
    let inData = false;
    let current = { from: '', to: [] as string[], data: '' };
    socket.write('220 fake.smtp ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let at: number;
      while ((at = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            received.push(current);
            current = { from: '', to: [], data: '' };
            socket.write('250 OK queued\r\n');
          } else current.data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-fake.smtp\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') {
          current.from = line;
          socket.write('250 OK\r\n');
        } else if (verb === 'RCPT') {
          current.to.push(line);
          socket.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
        } else socket.write('250 OK\r\n');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0, received });
    }),
  );
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('SMTP delivery', () => {
  it('sends through the SMTP server named by SMTP_URL, with the outbox id as Message-ID', async () => {
    const smtp = await fakeSmtp();
    server = smtp.server;
    const mailer = createMailer(
      testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Calls <calls@example.org>' }),
    );
    expect(mailer.kind).toBe('smtp');
    const sent = await mailer.send({
      to: 'pi@example.org',
      subject: 'Receipt',
      text: 'Version 1 received.',
      id: 'outbox-9',
    });
    mailer.close();
    expect(sent.messageId).toBe('<outbox-9@example.org>');
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.from).toContain('calls@example.org');
    expect(mail!.to).toEqual([expect.stringContaining('pi@example.org')]);
    expect(mail!.data).toMatch(/^Subject: Receipt$/m);
    expect(mail!.data).toMatch(/^Message-ID: <outbox-9@example.org>$/m);
    expect(mail!.data).toContain('Version 1 received.');
  });
});
