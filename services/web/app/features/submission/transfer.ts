import { ApiError, toApiError } from '../../lib/api';
import { accessToken, refreshSession } from '../../lib/session';
import { documentUrl, type DocumentView } from './queries';

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * PUT of one PDF as multipart/form-data through XMLHttpRequest: fetch cannot report how much of a
 * request body has gone out (a streamed body would need HTTP/2 and a duplex fetch), XHR's
 * `upload.onprogress` measures the bytes the browser has sent. The condition names what is
 * replaced: If-Match with the sha256 of the file the page shows, or If-None-Match: * for a first
 * upload, so a second tab replacing the same file meanwhile gets 412 instead of being overwritten.
 */
export async function uploadDocument(args: {
  proposalId: string;
  kind: string;
  file: File;
  replaces: string | null;
  onProgress: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}): Promise<DocumentView> {
  const attempt = (token: string | null) =>
    new Promise<{ status: number; body: unknown; response: Response }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', documentUrl(args.proposalId, args.kind));
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      if (args.replaces) xhr.setRequestHeader('if-match', `"${args.replaces}"`);
      else xhr.setRequestHeader('if-none-match', '*');
      xhr.responseType = 'text';
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) args.onProgress({ loaded: event.loaded, total: event.total });
      };
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          body = null;
        }
        resolve({ status: xhr.status, body, response: new Response(null, { status: xhr.status }) });
      };
      xhr.onerror = () => reject(new ApiError('NETWORK', 0, null, 'upload failed'));
      xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
      args.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      const form = new FormData();
      form.append('file', args.file, args.file.name);
      xhr.send(form);
    });

  let result = await attempt(await accessToken());
  if (result.status === 401 && (result.body as { code?: string } | null)?.code === 'TOKEN_EXPIRED') {
    const session = await refreshSession();
    if (session) result = await attempt(session.accessToken);
  }
  if (result.status >= 200 && result.status < 300) return result.body as DocumentView;
  throw toApiError(result.body, result.response);
}

/**
 * Saves a file the API serves only to a signed-in member: fetched with the bearer token, then
 * handed to the browser as a download under the name the server gave (Content-Disposition).
 */
export async function downloadWithSession(url: string, fallbackName: string): Promise<void> {
  const get = async (token: string | null) =>
    fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  let response: Response;
  try {
    response = await get(await accessToken());
    if (response.status === 401) {
      const session = await refreshSession();
      if (session) response = await get(session.accessToken);
    }
  } catch (cause) {
    throw new ApiError('NETWORK', 0, null, cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok) throw toApiError(await response.json().catch(() => null), response);
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the browser has taken the file; right away would cancel it in some browsers.
  window.setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** The file name of a Content-Disposition header: RFC 8187 `filename*` first, else `filename`. */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() ?? null;
}
