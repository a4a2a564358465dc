// Calls the admin API of a running `openum start` over HTTPS (its certificate is self-signed
// or test-made, so it is not verified here; test/web/admin-api.test.ts checks it with openssl).
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';

export interface Reply {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
  json: () => unknown;
}

export function api(port: number, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; host?: string; localAddress?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const req = request({
      host: options.host ?? '127.0.0.1', port, method, path, rejectUnauthorized: false, agent: false,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        ...options.headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers, json: () => JSON.parse(body) });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
