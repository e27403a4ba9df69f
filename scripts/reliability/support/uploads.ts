import { randomBytes } from 'node:crypto';
import { readdir, stat, utimes } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { assemblePdf, onePageObjects, streamBody } from '@permed/documents/testing';
import type { PreparedProposal } from './fixtures.ts';
import { sleep } from './http.ts';

/** A valid one-page PDF of about `bytes`: a JPEG-declared image of random bytes carries the weight. */
export function heavyPdf(bytes: number): Uint8Array {
  return assemblePdf({
    objects: [
      ...onePageObjects(),
      {
        id: 6,
        body: streamBody(
          '/Type /XObject /Subtype /Image /Width 2048 /Height 1707 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode',
          randomBytes(Math.max(1, bytes - 1200)),
        ),
      },
    ],
    trailer: '/Root 1 0 R',
  });
}

function multipart(pdf: Uint8Array, fileName: string) {
  const boundary = `----reliability${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { boundary, head, tail, length: head.length + pdf.byteLength + tail.length };
}

/** The conditional header of an upload that replaces the document with this hash (null: there is none). */
export const replacing = (sha256: string | null): Record<string, string> =>
  sha256 === null ? { 'if-none-match': '*' } : { 'if-match': `"${sha256}"` };

/**
 * PUT the proposal's PDF in place of the document with hash `current`; resolves with the status
 * and, on 200, the stored hash (what the next upload replaces).
 */
export async function uploadOverHttp(
  baseUrl: string,
  proposal: PreparedProposal,
  pdf: Uint8Array,
  current: string | null,
): Promise<{ status: number | null; sha256?: string; error?: string }> {
  const form = new FormData();
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'proposal.pdf');
  try {
    const res = await fetch(`${baseUrl}/api/proposals/${proposal.id}/documents/proposal`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${proposal.token}`, ...replacing(current) },
      body: form,
    });
    const body = (await res.json().catch(() => ({}))) as { sha256?: string };
    return { status: res.status, ...(res.ok && body.sha256 ? { sha256: body.sha256 } : {}) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: null, error: cause?.code ?? String(error) };
  }
}

/**
 * Starts an upload and sends only the first `fraction` of the file, then holds the connection
 * open: the platform has begun streaming it into its blob store's temporary area, and a kill now
 * cuts it off. Resolves once the temporary file has appeared (or after `waitMs`).
 */
export async function startCutOffUpload(
  baseUrl: string,
  proposal: PreparedProposal,
  pdf: Uint8Array,
  current: string | null,
  dataDir: string,
  options: { fraction?: number; waitMs?: number } = {},
): Promise<{ tempFileSeen: boolean; abort(): void }> {
  const body = multipart(pdf, 'cut-off.pdf');
  const before = new Set((await blobFiles(dataDir)).temp);
  const req = http.request(`${baseUrl}/api/proposals/${proposal.id}/documents/proposal`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${proposal.token}`,
      ...replacing(current),
      'content-type': `multipart/form-data; boundary=${body.boundary}`,
      'content-length': String(body.length),
    },
  });
  // The answer never comes: the platform is killed while it waits for the rest.
  req.on('error', () => {});
  req.on('response', (res) => res.resume());
  req.write(body.head);
  req.write(pdf.subarray(0, Math.floor(pdf.byteLength * (options.fraction ?? 0.5))));
  const t0 = performance.now();
  let tempFileSeen = false;
  while (performance.now() - t0 < (options.waitMs ?? 10_000)) {
    const { temp } = await blobFiles(dataDir);
    if (temp.some((f) => !before.has(f))) {
      tempFileSeen = true;
      break;
    }
    await sleep(20);
  }
  return { tempFileSeen, abort: () => req.destroy() };
}

/** The blob store's files: temporary (`tmp/*.part`) and committed (`xx/<sha256>`). */
export async function blobFiles(dataDir: string): Promise<{ temp: string[]; blobs: string[] }> {
  const root = path.join(dataDir, 'blobs');
  const list = (dir: string) => readdir(dir).catch(() => [] as string[]);
  const temp = (await list(path.join(root, 'tmp'))).map((n) => path.join(root, 'tmp', n));
  const blobs: string[] = [];
  for (const dir of await list(root)) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    for (const name of await list(path.join(root, dir))) blobs.push(name);
  }
  return { temp, blobs };
}

/**
 * Moves every file of the blob store `ms` into the past: stands for a restart that comes after the
 * orphan collector's grace period (files younger than it are spared, since another instance may be
 * writing them).
 */
export async function ageBlobStore(dataDir: string, ms: number): Promise<number> {
  const root = path.join(dataDir, 'blobs');
  const when = new Date(Date.now() - ms);
  let n = 0;
  for (const name of await readdir(root, { recursive: true })) {
    const file = path.join(root, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) continue;
    await utimes(file, when, when);
    n += 1;
  }
  return n;
}
