import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { AppError, toProblem } from './errors.ts';

/**
 * A client that ends its side of the connection (FIN) before the request body it announced is
 * complete makes Node's HTTP parser fail at end of stream (HPE_INVALID_EOF_STATE). That error goes
 * to the server's `clientError` listeners, not to the route, and Fastify's default listener answers
 * in its own JSON. This listener answers it first as problem+json (400 BAD_REQUEST, field code
 * BODY_INCOMPLETE) and closes the socket, which the later listeners take as "handled". The route
 * still reading the body sees its request aborted and stops (an upload discards its spooled file).
 * Only this one error is taken; every other client error is left to the listeners after it.
 */
export function answerIncompleteBodies(server: Server): void {
  server.prependListener('clientError', (error: Error & { code?: string }, socket: Socket) => {
    if (error.code !== 'HPE_INVALID_EOF_STATE' || socket.destroyed) return;
    // Node's response in progress on this socket: once its head is out, nothing else can be written.
    const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !current?.headersSent) {
      const message = 'The connection was closed before the request body was complete';
      const body = JSON.stringify(
        toProblem(
          new AppError('BAD_REQUEST', message, {
            errors: [{ in: 'body', path: '', message, code: 'BODY_INCOMPLETE' }],
          }),
        ),
      );
      socket.write(
        'HTTP/1.1 400 Bad Request\r\n' +
          'Content-Type: application/problem+json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy(error);
  });
}
