import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { AppError, publicAccess } from '@permed/http';
import { webDist } from './build.ts';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Names Vite hashes by content: safe to keep for a year, a new build has new names. */
const immutable = 'public, max-age=31536000, immutable';

interface Served {
  body: Buffer;
  gzip: Buffer | null;
}

export interface WebAppOptions {
  /** The build to serve; default services/web/dist. */
  dist?: string;
}

/**
 * Serves the web app's build at `/`: files of the build as they are, any other GET path
 * (a deep link such as /calls/live-demo-call) as index.html, so the browser's router takes it.
 * /api and /docs stay the API's: an unknown path there is the API's problem+json 404, never HTML.
 *
 * Hand-written rather than @fastify/static: that plugin registers its routes without the
 * config.access every route of the platform must declare, and the app refuses to start.
 * Hashed assets are read on first request and kept (a build is a few hundred kB); the .gz the build
 * wrote beside each text file goes to clients that accept gzip.
 */
export function webApp(options: WebAppOptions = {}): FastifyPluginAsync {
  const dist = options.dist ?? webDist;
  const cache = new Map<string, Promise<Served | null>>();

  const load = (rel: string): Promise<Served | null> => {
    let entry = cache.get(rel);
    if (!entry) {
      const file = path.join(dist, rel);
      entry = readFile(file).then(
        async (body) => ({ body, gzip: await readFile(file + '.gz').catch(() => null) }),
        () => null,
      );
      // Only hashed assets are kept: their content never changes under their name. index.html is
      // read on each request (1 kB), so a rebuild while the server runs (pnpm test beside pnpm
      // start) serves the new build at once instead of an index naming deleted assets. A missing
      // file is not remembered either: the build may land after the server started.
      if (!rel.startsWith('assets/')) return entry;
      void entry.then((served) => {
        if (!served) cache.delete(rel);
      });
      cache.set(rel, entry);
    }
    return entry;
  };

  const send = (
    reply: FastifyReply,
    rel: string,
    served: Served,
    acceptsGzip: boolean,
    cacheControl: string,
  ) => {
    void reply
      .type(types[path.extname(rel)] ?? 'application/octet-stream')
      .header('cache-control', cacheControl)
      .header('vary', 'accept-encoding');
    if (served.gzip && acceptsGzip) return reply.header('content-encoding', 'gzip').send(served.gzip);
    return reply.send(served.body);
  };

  return async (app) => {
    app.get('/*', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
      const raw = request.url.split('?')[0] ?? '/';
      let pathname: string;
      try {
        pathname = decodeURIComponent(raw);
      } catch {
        throw new AppError('NOT_FOUND', 'The path is not valid percent-encoding');
      }
      if (/^\/(api|docs)(\/|$)/.test(pathname)) {
        throw new AppError('ROUTE_NOT_FOUND', `No route ${request.method} ${pathname}`);
      }
      // Only plain names inside dist/: no dot-segments, no hidden files.
      const rel = path.posix.normalize(pathname).replace(/^\/+/, '');
      const acceptsGzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
      if (rel !== '' && !rel.split('/').some((part) => part.startsWith('.'))) {
        const served = await load(rel);
        if (served)
          return send(reply, rel, served, acceptsGzip, rel.startsWith('assets/') ? immutable : 'no-cache');
      }
      // A missing file (an old build's hashed asset, a favicon.ico) is a 404, not the app's HTML
      // under a script's name; the app's own paths have no extension.
      if (rel.startsWith('assets/') || path.posix.extname(rel) !== '') {
        throw new AppError('NOT_FOUND', `No file ${pathname}`);
      }
      const index = await load('index.html');
      if (!index) {
        throw new AppError(
          'SERVICE_UNAVAILABLE',
          'The web application is not built: run `pnpm install` or `pnpm start`.',
        );
      }
      return send(reply, 'index.html', index, acceptsGzip, 'no-cache');
    });
  };
}
