import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '@permed/config';
import { createHttpApp, publicAccess, type App } from '@permed/http';
import { webApp } from './plugin.ts';

let dist: string;
let app: App;
const indexHtml =
  '<!doctype html><title>app</title><script type="module" src="/assets/app-1a2b.js"></script>';
const script = 'console.log("the app");'.repeat(50);

beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'web-dist-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(path.join(dist, 'index.html'), indexHtml);
  await writeFile(path.join(dist, '.source-hash'), 'secret-ish\n');
  await writeFile(path.join(dist, 'assets', 'app-1a2b.js'), script);
  await writeFile(path.join(dist, 'assets', 'app-1a2b.js.gz'), gzipSync(script));
  // The same shape as the platform: plumbing, an API route under /api, the app at /.
  app = await createHttpApp(testConfig({ LOG_LEVEL: 'silent' }), { name: 'probe', docs: true });
  app.get('/api/calls', { config: { access: publicAccess } }, async () => []);
  await app.register(webApp({ dist }));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rm(dist, { recursive: true, force: true });
});

describe('the web app plugin', () => {
  it('serves index.html at / without caching, under the strict CSP', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(indexHtml);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('answers a deep link with index.html, so the browser router takes it', async () => {
    for (const url of ['/calls/live-demo-call', '/sign-in?next=%2F', '/no/such/page']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(indexHtml);
    }
  });

  it('caches hashed assets for a year and sends the precompressed copy to gzip clients', async () => {
    const plain = await app.inject('/assets/app-1a2b.js');
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    const gz = await app.inject({ url: '/assets/app-1a2b.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('accept-encoding');
    expect(gz.rawPayload.length).toBeLessThan(script.length);
  });

  it('keeps /api and /docs the API: unknown paths there are problem+json 404s, never HTML', async () => {
    for (const url of ['/api/nowhere', '/api/calls/x/y/z', '/api', '/docs/nothing-here.js']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toBe('application/problem+json; charset=utf-8');
      expect(res.json().code, url).toBe('ROUTE_NOT_FOUND');
    }
    expect((await app.inject('/api/calls')).json()).toEqual([]);
  });

  it('answers a missing file with a 404 problem, not with the app under its name', async () => {
    for (const url of ['/assets/app-old.js', '/favicon.ico']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code, url).toBe('NOT_FOUND');
    }
  });

  it('serves nothing outside the build and no hidden file', async () => {
    for (const url of [
      '/../package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/.source-hash',
      '/assets/../.source-hash',
    ]) {
      const res = await app.inject(url);
      expect(res.body, url).not.toContain('secret-ish');
      expect(res.body, url).not.toContain('root:');
    }
  });

  it('refuses other methods with the API 404', async () => {
    const res = await app.inject({ method: 'POST', url: '/calls/x', payload: {} });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ROUTE_NOT_FOUND');
  });

  it('says 503 in problem+json when the app is not built', async () => {
    const bare = await createHttpApp(testConfig({ LOG_LEVEL: 'silent' }), { name: 'bare', docs: false });
    await bare.register(webApp({ dist: path.join(dist, 'missing') }));
    const res = await bare.inject('/calls/x');
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('SERVICE_UNAVAILABLE');
    await bare.close();
  });
});

describe('a rebuild while the server runs', () => {
  it('serves the new index.html at once, while assets already read stay served', async () => {
    const next = '<!doctype html><title>app</title><script type="module" src="/assets/app-3c4d.js"></script>';
    await writeFile(path.join(dist, 'index.html'), next);
    await writeFile(path.join(dist, 'assets', 'app-3c4d.js'), 'console.log("new build");');
    expect((await app.inject('/')).body).toBe(next);
    expect((await app.inject('/assets/app-3c4d.js')).body).toBe('console.log("new build");');
    await rm(path.join(dist, 'assets', 'app-1a2b.js'));
    expect((await app.inject('/assets/app-1a2b.js')).body).toBe(script);
  });
});
