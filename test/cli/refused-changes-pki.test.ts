// Certificate and trust changes that would break what runs, or that leave a wrong file, are
// refused with the reason and a fix in CLI words (issue 10), and change nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorCode } from '../../src/errors.js';
import type { CertificateView } from '../../src/pki/certificate-view.js';
import type { TrustedRootView } from '../../src/pki/trust-store.js';
import { makeCa, type TestCa } from '../support/ca.js';
import { assertRefused, StoreWatch } from '../support/cli-checks.js';
import { cli, cliJson, initData } from '../support/openum.js';
import { openssl, tempDir } from '../support/run.js';

describe('certificate and trust changes refused (CLI)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let watch: StoreWatch;
  let ca: TestCa;
  const f = (name: string) => join(tmp.path, name);

  async function refused(args: string[], code: ErrorCode, match: RegExp[], not: RegExp[] = []): Promise<string> {
    const before = await watch.current();
    const roots = (await cli(['trust', 'list', '--json'], { data })).stdout;
    const r = await cli(args, { data });
    assertRefused(r, args.join(' '), { code, match });
    for (const m of not) assert.doesNotMatch(r.stderr, m, args.join(' '));
    await watch.assertUnchanged(before, args.join(' '));
    assert.equal((await cli(['trust', 'list', '--json'], { data })).stdout, roots, `${args.join(' ')}: trust list changed`);
    return r.stderr;
  }
  const must = async (args: string[]) => {
    const r = await cli(args, { data });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    watch.changed();
    return r;
  };

  before(async () => {
    tmp = tempDir();
    data = f('data');
    watch = new StoreWatch(data);
    mkdirSync(f('a-directory'));
    writeFileSync(f('wrong.txt'), 'not-the-password\n');
    [ca] = await Promise.all([makeCa(tmp.path), initData(data, 'um.contoso.com'),
      openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('k.pem'), '-out', f('c.pem'), '-days', '30', '-subj', '/CN=pfx.contoso.com'])]);
    await openssl(['pkcs12', '-export', '-in', f('c.pem'), '-inkey', f('k.pem'), '-out', f('protected.pfx'), '-passout', 'pass:right']);
  });
  after(() => tmp.cleanup());

  it('trust remove of the root a serving certificate chains to is refused, naming it; --force removes it with a warning', async () => {
    await must(['certificate', 'new', '--request', '--subject', 'CN=um.contoso.com', '--domain', 'um.contoso.com', '--out', f('um.csr')]);
    const view = (await cliJson<{ view: CertificateView }>(['certificate', 'import', await ca.sign(f('um.csr'), { sans: ['um.contoso.com'] })], { data })).view;
    await must(['trust', 'add', ca.certPath]);
    await must(['service', 'set', '--startup-mode', 'Dual']);
    await must(['certificate', 'enable', view.thumbprint, '--services', 'IIS,UM']);
    const [root] = await cliJson<TrustedRootView[]>(['trust', 'list'], { data });
    assert.ok(root);
    await refused(['trust', 'remove', root.thumbprint], 'TRUSTED_ROOT_IN_USE', [
      /"CN=OpenUM Test Root CA" is the root that CN=um\.contoso\.com/, new RegExp(view.thumbprint), /serving IIS, UM/,
      /Untrusted/, /Enable a certificate from another CA/, /add --force/]);
    const forced = await must(['trust', 'remove', root.thumbprint, '--force']);
    assert.match(forced.stderr, /^warning: CN=um\.contoso\.com .* serving IIS, UM no longer chains to a trusted root/);
    assert.deepEqual(await cliJson<TrustedRootView[]>(['trust', 'list'], { data }), []);
    assert.equal((await cliJson<CertificateView>(['certificate', 'get', view.thumbprint], { data })).status, 'Untrusted');
    await must(['trust', 'add', ca.certPath]);
  });

  it('a certificate issued for another key than the pending request is refused, naming the request; a key-less import warns', async () => {
    const req = (await cliJson<CertificateView>(['certificate', 'new', '--request', '--subject', 'CN=other.contoso.com', '--out', f('other.csr')], { data }));
    watch.changed();
    await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('stray.key'), '-out', f('stray.csr'), '-subj', '/CN=other.contoso.com']);
    const stray = await ca.sign(f('stray.csr'), { sans: ['other.contoso.com'] });
    await refused(['certificate', 'import', stray], 'REQUEST_KEY_MISMATCH', [
      /issued for another key than the pending request/, new RegExp(req.thumbprint), /openum certificate export .* --out request\.csr/]);
    // Not for a pending request: imported, and both the text and the JSON say no service can use it.
    const plain = await must(['certificate', 'import', ca.certPath]);
    assert.match(plain.stderr, /^warning: CN=OpenUM Test Root CA was imported without a private key and completes no pending request/m);
    await must(['certificate', 'remove', (await cliJson<CertificateView[]>(['certificate', 'list'], { data })).find((c) => c.subject === 'CN=OpenUM Test Root CA')?.thumbprint ?? '']);
    const json = await cliJson<{ warnings: string[] }>(['certificate', 'import', ca.certPath], { data });
    watch.changed();
    assert.match(json.warnings[0] ?? '', /no service can use it/);
  });

  it('export to .pfx without a password, --out on a directory, a wrong --password-file, negative numbers, an unknown token, a certificate as a CRL', async () => {
    const t = (await cliJson<CertificateView>(['certificate', 'new', '--subject', 'CN=x.contoso.com', '--exportable'], { data })).thumbprint;
    watch.changed();
    await refused(['certificate', 'export', t, '--out', f('x.pfx')], 'PASSWORD_NEEDED_FOR_KEY', [/x\.pfx would be a PFX/, /--password P \(or --password-file F\)/, /name it \.pem/]);
    assert.equal(existsSync(f('x.pfx')), false);
    for (const force of [[], ['--force']]) {
      await refused(['certificate', 'export', t, '--out', f('a-directory'), ...force], 'FILE_NOT_FOUND', [/a-directory: it is a directory; give --out a file name/], [/EISDIR|\.tmp/]);
    }
    assert.deepEqual(readdirSync(f('a-directory')), []);
    await refused(['certificate', 'import', f('protected.pfx'), '--password-file', f('wrong.txt')], 'BAD_PASSWORD', [/--password-file .*wrong\.txt \(its first line\)/]);
    await refused(['certificate', 'new', '--subject', 'CN=y.contoso.com', '--key-size', '-5'], 'BAD_KEY_SIZE', [/key size -5 is not allowed/], [/needs a value/]);
    await refused(['service', 'set', '--max-calls', '-1'], 'BAD_SETTING', [/whole number from 1 to 100000 \(got "-1"\)/], [/needs a value/]);
    await refused(['audit', '--limit', '-5'], 'BAD_ARGUMENT', [/--limit must be a whole number from 1/], [/needs a value/]);
    await refused(['token', 'revoke', '999'], 'ADMIN_TOKEN_NOT_FOUND', [/no admin token with id 999; 'openum token list' shows them/]);
    await refused(['trust', 'crl', 'add', ca.certPath], 'BAD_CRL', [/is a certificate \(CN=OpenUM Test Root CA\), not a certificate revocation list/, /X509 CRL/, /openum trust add FILE/]);
  });
});
