// `openum certificate enable THUMBPRINT --services …` (Enable-ExchangeCertificate) and `remove`
// through the real CLI, with certificates made by `openum certificate new` and by openssl CAs.
// Every refusal is one `error: ` line naming the problem and its fix, and changes nothing: the
// certificate list and the audit log are the same before and after.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorCode } from '../../src/errors.js';
import type { CertificateView } from '../../src/pki/certificate-view.js';
import { assertRefused, pool, StoreWatch, type Snapshot } from '../support/cli-checks.js';
import { cli, cliJson, initData } from '../support/openum.js';
import { rootCa, type Issued } from '../support/openssl-ca.js';
import { tempDir, type RunResult } from '../support/run.js';

interface Refusal { what: string; args: string[]; code: ErrorCode; match: RegExp[] }

describe('certificate enable rules through the CLI', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let watch: StoreWatch;
  /** The install certificate: CN=um.contoso.com, IIS and SMTP after init. */
  let install: string;
  /** Self-signed by `openum certificate new`, so Valid. */
  let other: string; // CN=other.contoso.com
  let um: string; // CN=um.contoso.com, the server's FQDN
  let wildCn: string; // CN=*.contoso.com
  let wildSan: string; // CN=web.contoso.com with the SAN *.contoso.com
  let request: string; // a pending request
  /** Imported from openssl CAs. */
  let expired: string; // from the trusted CA, with its key, expired on 2021-01-01
  let untrusted: string; // from a CA that is not trusted, with its key
  let keyless: string; // from the trusted CA, certificate only

  const f = (name: string) => join(tmp.path, name);
  const view = (s: Snapshot, thumbprint: string): CertificateView => {
    const v = s.views.find((x) => x.thumbprint === thumbprint);
    assert.ok(v, `${thumbprint} is listed`);
    return v;
  };

  async function refusals(list: Refusal[]): Promise<void> {
    const start = await watch.current();
    const results = await pool(list.map((r) => () => cli(r.args, { data })));
    list.forEach((r, i) => assertRefused(results[i] as RunResult, r.what, r));
    await watch.assertUnchanged(start, list.map((r) => r.what).join('; '));
  }

  async function enable(thumbprint: string, services: string, force = false): Promise<CertificateView> {
    watch.changed();
    return cliJson<CertificateView>(['certificate', 'enable', thumbprint, '--services', services, ...(force ? ['--force'] : [])], { data });
  }

  const enableArgs = (thumbprint: string, services: string) => ['certificate', 'enable', thumbprint, '--services', services];

  before(async () => {
    tmp = tempDir();
    data = f('data');
    watch = new StoreWatch(data);
    const [installed, trustedCa, otherCa] = await Promise.all([
      initData(data, 'um.contoso.com'),
      rootCa(f('trusted-ca'), 'Rules Trusted CA'),
      rootCa(f('untrusted-ca'), 'Rules Untrusted CA'),
    ]);
    install = installed.thumbprint;
    const withKey = (c: Issued, name: string) => {
      writeFileSync(f(name), readFileSync(c.path, 'utf8') + readFileSync(c.keyPath, 'utf8'));
      return f(name);
    };
    const expiredFile = withKey(await trustedCa.issue('old.contoso.com', { start: '20200101000000Z', end: '20210101000000Z' }), 'expired.pem');
    const untrustedFile = withKey(await otherCa.issue('untrusted.contoso.com'), 'untrusted.pem');
    const keylessFile = (await trustedCa.issue('keyless.contoso.com')).path;

    const made = (args: string[]) => async () => (await cliJson<CertificateView>(['certificate', 'new', ...args], { data })).thumbprint;
    const imported = (file: string) => async () => (await cliJson<{ view: CertificateView }>(['certificate', 'import', file], { data })).view.thumbprint;
    const trust = async () => {
      const r = await cli(['trust', 'add', trustedCa.certPath], { data });
      assert.equal(r.code, 0, r.stderr);
      return 'trusted';
    };
    const thumbprints = await pool([
      made(['--subject', 'CN=other.contoso.com']),
      made(['--subject', 'CN=um.contoso.com', '--friendly-name', 'UM certificate']),
      made(['--subject', 'CN=*.contoso.com']),
      made(['--subject', 'CN=web.contoso.com', '--domain', 'web.contoso.com', '--domain', '*.contoso.com']),
      made(['--request', '--subject', 'CN=um.contoso.com']),
      imported(expiredFile),
      imported(untrustedFile),
      imported(keylessFile),
      trust,
    ]);
    [other, um, wildCn, wildSan, request, expired, untrusted, keyless] = thumbprints as [string, string, string, string, string, string, string, string];

    // The preconditions each rule relies on.
    const s = await watch.current();
    for (const t of [install, other, um, wildCn, wildSan]) assert.equal(view(s, t).status, 'Valid', view(s, t).statusReason);
    assert.deepEqual(view(s, install).services, ['IIS', 'SMTP']);
    assert.equal(view(s, request).status, 'PendingRequest');
    assert.equal(view(s, expired).status, 'DateInvalid');
    assert.equal(view(s, expired).hasPrivateKey, true);
    assert.equal(view(s, untrusted).status, 'Untrusted');
    assert.equal(view(s, untrusted).hasPrivateKey, true);
    assert.equal(view(s, keyless).status, 'Valid', view(s, keyless).statusReason);
    assert.equal(view(s, keyless).hasPrivateKey, false);
  });
  after(() => tmp.cleanup());

  it('names an unknown thumbprint or service, has no disable command, and assigns only Valid certificates with their key', async () => {
    await refusals([
      { what: 'unknown thumbprint', args: enableArgs('ABCDEF0123456789ABCDEF0123456789ABCDEF01', 'IIS'), code: 'CERTIFICATE_NOT_FOUND',
        match: [/no certificate .*ABCDEF0123456789ABCDEF0123456789ABCDEF01/, /openum certificate list/] },
      { what: 'unknown service', args: enableArgs(other, 'IIS,FOO'), code: 'UNKNOWN_SERVICE',
        match: [/unknown service "FOO"/, /IIS, SMTP, IMAP, POP, UM, UMCallRouter/] },
      { what: 'disable', args: ['certificate', 'disable', install, '--services', 'SMTP'], code: 'UNKNOWN_COMMAND',
        match: [/services are never removed/, /openum certificate enable/] },
      { what: 'expired', args: enableArgs(expired, 'IIS'), code: 'CERTIFICATE_NOT_VALID',
        match: [new RegExp(`cannot enable ${expired}`), /DateInvalid/, /expired/, /only a Valid certificate/] },
      { what: 'untrusted', args: enableArgs(untrusted, 'IIS'), code: 'CERTIFICATE_NOT_VALID',
        match: [/Untrusted/, /Rules Untrusted CA/, /only a Valid certificate/] },
      { what: 'pending request', args: enableArgs(request, 'IIS'), code: 'CERTIFICATE_NOT_VALID',
        match: [/pending request/, /import the certificate your CA issued/] },
      { what: 'no private key', args: enableArgs(keyless, 'IIS'), code: 'NO_PRIVATE_KEY',
        match: [new RegExp(`cannot enable ${keyless}`), /no private key/, /import it with its key/] },
    ]);
  });

  it('refuses a wildcard certificate (CN or SAN) for IMAP and POP but assigns it to IIS', async () => {
    await refusals([
      { what: 'wildcard CN for IMAP', args: enableArgs(wildCn, 'IMAP'), code: 'WILDCARD_NOT_ALLOWED', match: [/wildcard/, /IMAP/, /use a certificate for the FQDN/] },
      { what: 'wildcard CN for POP', args: enableArgs(wildCn, 'POP'), code: 'WILDCARD_NOT_ALLOWED', match: [/wildcard/, /POP/] },
      { what: 'wildcard SAN for IIS and IMAP', args: enableArgs(wildSan, 'IIS,IMAP'), code: 'WILDCARD_NOT_ALLOWED', match: [/wildcard/, /IMAP/] },
    ]);
    assert.deepEqual((await enable(wildCn, 'iis')).services, ['IIS'], 'service names are case-insensitive');
    const s = await watch.current();
    assert.deepEqual(view(s, install).services, ['SMTP'], 'IIS moved from the install certificate');
    assert.deepEqual(view(s, wildSan).services, [], 'the refused IIS,IMAP assigned nothing');
  });

  it('asks before replacing the SMTP certificate: refused without --force off a terminal, moved with it', async () => {
    await refusals([
      { what: 'IIS and SMTP without --force', args: enableArgs(other, 'IIS,SMTP'), code: 'CONFIRMATION_REQUIRED',
        match: [new RegExp(`SMTP uses ${install}`), /confirmation/, /--force/] },
    ]);
    assert.deepEqual((await enable(other, 'SMTP', true)).services, ['SMTP']);
    const s = await watch.current();
    assert.deepEqual(view(s, install).services, []);
    assert.deepEqual(view(s, wildCn).services, ['IIS'], 'the refused IIS,SMTP left IIS where it was');
  });

  it('adds services and never removes them; a service moves to the certificate enabled for it', async () => {
    const start = await watch.current();
    assert.deepEqual((await enable(other, 'IIS')).services, ['IIS', 'SMTP'], 'SMTP kept');
    assert.deepEqual((await enable(um, 'IIS')).services, ['IIS']);
    const s = await watch.current();
    assert.deepEqual(view(s, other).services, ['SMTP'], 'IIS moved from other to um');
    assert.deepEqual(view(s, um).services, ['IIS']);
    assert.deepEqual(view(s, wildCn).services, []);
    assert.equal(s.views.filter((v) => v.services.includes('IIS')).length, 1);
    assert.equal(s.audit, start.audit + 2, 'one audit entry per enable');
  });

  it('refuses UM and UMCallRouter while their startup mode is TCP, and removing a certificate in use', async () => {
    await refusals([
      { what: 'UM while TCP', args: enableArgs(um, 'UM'), code: 'STARTUP_MODE_TCP',
        match: [/UM service startup mode is TCP/, /TLS or Dual/, /openum service set --startup-mode TLS/] },
      { what: 'UMCallRouter while TCP', args: enableArgs(um, 'UMCallRouter'), code: 'STARTUP_MODE_TCP',
        match: [/Call Router startup mode is TCP/, /openum callrouter set --startup-mode TLS/] },
      { what: 'SMTP and UM while TCP', args: [...enableArgs(um, 'SMTP,UM'), '--force'], code: 'STARTUP_MODE_TCP', match: [/UM service startup mode is TCP/] },
      { what: 'remove the SMTP certificate', args: ['certificate', 'remove', other], code: 'CERTIFICATE_IN_USE',
        match: [new RegExp(`cannot remove ${other}: SMTP uses it`), /enable another certificate/] },
    ]);
    assert.deepEqual(view(await watch.current(), install).defaultFor, [], 'no TLS listener, so no default UM certificate');
    watch.changed();
    const [service, router] = await Promise.all([
      cliJson<{ startupMode: string }>(['service', 'set', '--startup-mode', 'Dual'], { data }),
      cliJson<{ startupMode: string }>(['callrouter', 'set', '--startup-mode', 'TLS'], { data }),
    ]);
    assert.equal(service.startupMode, 'Dual');
    assert.equal(router.startupMode, 'TLS');
  });

  it('with Dual/TLS, requires the server FQDN as subject CN for UM and UMCallRouter; the install certificate serves them by default', async () => {
    const s = await watch.current();
    assert.deepEqual(view(s, install).services, []);
    assert.deepEqual(view(s, install).defaultFor, ['UM', 'UMCallRouter']);
    await refusals([
      { what: 'other CN for UM', args: enableArgs(other, 'UM'), code: 'FQDN_MISMATCH',
        match: [/"other\.contoso\.com" is not this server's FQDN um\.contoso\.com/, /CN=um\.contoso\.com/] },
      { what: 'other CN for UMCallRouter', args: enableArgs(other, 'UMCallRouter'), code: 'FQDN_MISMATCH', match: [/not this server's FQDN/, /UMCallRouter/] },
      { what: 'wildcard CN for UM', args: enableArgs(wildCn, 'UM'), code: 'WILDCARD_NOT_ALLOWED', match: [/"\*\.contoso\.com" is a wildcard/, /UM needs CN=um\.contoso\.com/] },
      { what: 'remove the install certificate', args: ['certificate', 'remove', install], code: 'CERTIFICATE_IN_USE',
        match: [new RegExp(`cannot remove ${install}: UM, UMCallRouter use it`), /enable another certificate for those services/] },
    ]);
    assert.deepEqual((await enable(um, 'UM,UMCallRouter')).services, ['IIS', 'UM', 'UMCallRouter']);
  });

  it('removes a certificate once its services have moved away', async () => {
    watch.changed();
    const [removed, moved] = await Promise.all([cli(['certificate', 'remove', install], { data }), enable(um, 'SMTP', true)]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(moved.services, ['IIS', 'SMTP', 'UM', 'UMCallRouter']);
    const again = await cli(['certificate', 'remove', other], { data });
    assert.equal(again.code, 0, again.stderr);
    const s = await watch.current();
    assert.equal(s.views.some((v) => v.thumbprint === install || v.thumbprint === other), false);
    assert.deepEqual(view(s, um).services, ['IIS', 'SMTP', 'UM', 'UMCallRouter']);
  });
});
