// The app's only way to the server: the public REST API (the same one scripts use), with the
// session cookie and, on changes, the session's CSRF token in x-csrf-token.
export interface ApiErrorBody {
  error: string;
  message: string;
}

/** A refused request: `code` is the API's error code (docs/errors.md), `message` is for the reader. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSec: number | undefined;
  constructor(status: number, body: ApiErrorBody, retryAfterSec?: number) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.error;
    this.retryAfterSec = retryAfterSec;
  }
}

let csrfToken: string | undefined;

/** Set from the session (POST/GET /api/session) and cleared on sign-out. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function send(method: string, path: string, body?: BodyInit, contentType?: string): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (contentType) headers['content-type'] = contentType;
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  if (!res.ok) {
    let parsed: ApiErrorBody = { error: 'HTTP_' + String(res.status), message: res.statusText };
    try {
      const j = (await res.json()) as Partial<ApiErrorBody>;
      if (typeof j.error === 'string') parsed = { error: j.error, message: j.message ?? res.statusText };
    } catch {
      // not JSON: keep the status text
    }
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, parsed, Number.isFinite(retry) && retry > 0 ? retry : undefined);
  }
  return res;
}

/** A JSON request; answers the parsed body (undefined for 204). */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json');
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** Uploads bytes (a WAV greeting, a certificate file) with their content type. */
export async function upload<T = unknown>(method: string, path: string, data: Blob, contentType: string): Promise<T> {
  const res = await send(method, path, data, contentType);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Downloads bytes (a CSR, an exported certificate, a message) as a Blob. */
export async function download(method: string, path: string, body?: unknown): Promise<Blob> {
  const res = await send(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json');
  return res.blob();
}

/** Base64 of a file's bytes, for JSON bodies that carry files (certificate import). */
export async function toBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Saves a Blob as a file in the browser's downloads. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
