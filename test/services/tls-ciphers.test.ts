// TLS 1.2 offers only forward-secret AEAD suites on SIP (Call Router 5061, UM service 5063) and on
// the admin HTTPS API, checked with a real client: `openssl s_client -tls1_2 -cipher …`. A
// static-RSA CBC-SHA1 suite is refused, ECDHE with AES-GCM or ChaCha20-Poly1305 is accepted, and
// TLS 1.3 still negotiates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { run } from '../support/run.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';

const ADDRESS = '127.0.116.10';

async function handshake(target: string, args: string[]): Promise<{ ok: boolean; cipher: string; out: string }> {
  const r = await run('openssl', ['s_client', '-connect', target, ...args], { input: '', timeoutMs: 10_000 });
  const out = r.stdout + r.stderr;
  const cipher = /Cipher is (\S+)/.exec(out)?.[1] ?? '';
  return { ok: cipher !== '' && cipher !== '(NONE)', cipher, out };
}

describe('TLS suites offered by SIP and HTTPS', () => {
  let site: UmSite;
  let targets: string[];
  before(async () => {
    site = await startSite(ADDRESS, {
      before: async (data) => {
        await must(['service', 'set', '--startup-mode', 'Dual'], data);
        await must(['callrouter', 'set', '--startup-mode', 'Dual'], data);
      },
    });
    targets = [`${ADDRESS}:5061`, `${ADDRESS}:5063`, `127.0.0.1:${site.server.port}`];
  });
  after(async () => { await site?.stop(); });

  for (const weak of ['AES128-SHA', 'AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384']) {
    it(`refuses TLS 1.2 with ${weak} (static RSA or CBC)`, async () => {
      for (const t of targets) {
        const r = await handshake(t, ['-tls1_2', '-cipher', weak]);
        assert.equal(r.ok, false, `${t} accepted ${weak}: ${r.cipher}`);
      }
    });
  }

  for (const good of ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']) {
    it(`accepts TLS 1.2 with ${good}`, async () => {
      for (const t of targets) {
        const r = await handshake(t, ['-tls1_2', '-cipher', good]);
        assert.equal(r.cipher, good, `${t}: ${r.out.slice(-400)}`);
      }
    });
  }

  it('still negotiates TLS 1.3', async () => {
    for (const t of targets) {
      const r = await handshake(t, ['-tls1_3']);
      assert.match(r.cipher, /^TLS_/, `${t}: ${r.out.slice(-400)}`);
    }
  });
});
