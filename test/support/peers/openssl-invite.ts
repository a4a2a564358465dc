// An INVITE sent over TLS by `openssl s_client` (a real TLS client, with or without a client
// certificate), and the first status line back.
import { run } from '../run.js';
import { statusOf } from '../um-setup.js';
import type { IssuedCert } from './certs.js';

export async function inviteOverTls(address: string, port: number, cert?: IssuedCert, user = '1000'): Promise<{ status: number; reason: string; raw: string }> {
  const invite = [
    `INVITE sip:${user}@${address}:${port};transport=tls SIP/2.0`,
    `Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK${Math.random().toString(36).slice(2)};rport`,
    'Max-Forwards: 70',
    'From: <sip:gw@127.0.0.1>;tag=abc',
    `To: <sip:${user}@${address}>`,
    `Call-ID: ${Math.random().toString(36).slice(2)}@tls-test`,
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
  const args = ['s_client', '-connect', `${address}:${port}`, '-quiet', '-no_ign_eof', ...(cert ? ['-cert', cert.cert, '-key', cert.key] : [])];
  // Keep stdin open long enough for the answer: s_client ends when its input ends.
  const r = await run('bash', ['-c', `(printf '%s' "$0"; sleep 1.5) | openssl ${args.map((a) => `'${a}'`).join(' ')}`, invite], { timeoutMs: 10_000 });
  return { ...statusOf(r.stdout), raw: r.stdout + r.stderr };
}
