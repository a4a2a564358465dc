// A browser-like client of the web API over real HTTPS: keeps the session cookie it is given
// (as a browser would, whatever its flags) and sends the CSRF token when told to.
import { request } from 'node:https';

export interface WebReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: () => Record<string, unknown>;
}

export class WebClient {
  cookie: string | undefined;
  csrf: string | undefined;
  setCookie: string | undefined;

  constructor(readonly port: number) {}

  send(method: string, path: string, options: { body?: unknown; raw?: Buffer; type?: string; headers?: Record<string, string>; csrf?: boolean; token?: string } = {}): Promise<WebReply> {
    const payload = options.raw ?? (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: this.port, method, path, rejectUnauthorized: false, agent: false,
        headers: {
          ...(this.cookie ? { cookie: this.cookie } : {}),
          ...(options.csrf && this.csrf ? { 'x-csrf-token': this.csrf } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(payload ? { 'content-type': options.type ?? 'application/json', 'content-length': payload.length } : {}),
          ...options.headers,
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const set = res.headers['set-cookie']?.find((c) => c.startsWith('openum_session='));
          if (set) {
            this.setCookie = set;
            const value = set.split(';')[0] ?? '';
            this.cookie = value === 'openum_session=' ? undefined : value;
          }
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString()) as Record<string, unknown> });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Signs in and keeps the cookie and the CSRF token. */
  async signIn(body: Record<string, string>): Promise<WebReply> {
    const r = await this.send('POST', '/api/session', { body });
    if (r.status === 200) this.csrf = r.json().csrfToken as string;
    return r;
  }
}
