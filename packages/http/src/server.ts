import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

/**
 * Listens and closes gracefully on SIGINT/SIGTERM: stops accepting, lets in-flight requests finish
 * (up to `delay` ms), then runs `onClose` (pools, schedulers).
 */
export async function listen(
  app: FastifyInstance,
  options: { host: string; port: number; delay?: number; onClose?: () => Promise<void> },
): Promise<string> {
  closeWithGrace({ delay: options.delay ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await options.onClose?.();
  });
  return app.listen({ host: options.host, port: options.port });
}
