// Bad input to the real `openum` command: every mistake gets one `error: ` line naming the problem
// (and the fix), the error code's non-zero exit status, never a stack trace, and nothing
// half-written: no file, no certificate or request, no audit entry.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorCode } from '../../src/errors.js';
import type { CertificateView } from '../../src/pki/certificate-view.js';
import { assertRefused, pool, StoreWatch, type Snapshot } from '../support/cli-checks.js';
import { cli, cliJson, initData } from '../support/openum.js';
import { openssl, tempDir, type RunResult } from '../support/run.js';

interface Case { what: string; args: string[]; code: ErrorCode; match: RegExp[]; data?: string }

describe('bad input to the CLI', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let watch: StoreWatch;
  let start: Snapshot;
  /** An exportable self-signed certificate to aim the commands at. */
  let cert: string;
  const f = (name: string) => join(tmp.path, name);
  const UNKNOWN = '0123456789ABCDEF0123456789ABCDEF01234567';
  const EXISTING = 'keep me\n';

  async function refused(cases: Case[]): Promise<RunResult[]> {
    const results = await pool(cases.map((c) => () => cli(c.args, { data: c.data ?? data })));
    cases.forEach((c, i) => assertRefused(results[i] as RunResult, c.what, c));
    return results;
  }

  before(async () => {
    tmp = tempDir();
    data = f('data');
    watch = new StoreWatch(data);
    mkdirSync(f('a-directory'));
    writeFileSync(f('empty.pem'), '');
    writeFileSync(f('garbage.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff)));
    writeFileSync(f('notes.txt'), 'These are not the certificates you are looking for.\nJust text.\n');
    writeFileSync(f('existing.pem'), EXISTING);
    const prepare = async () => {
      await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('key.pem'), '-out', f('cert.pem'),
        '-days', '30', '-subj', '/CN=pfx.contoso.com']);
      await openssl(['pkcs12', '-export', '-in', f('cert.pem'), '-inkey', f('key.pem'), '-out', f('protected.pfx'), '-passout', 'pass:right']);
    };
    await Promise.all([initData(data, 'um.contoso.com'), prepare()]);
    cert = (await cliJson<CertificateView>(['certificate', 'new', '--subject', 'CN=x.contoso.com', '--exportable'], { data })).thumbprint;
    start = await watch.current();
  });
  after(() => tmp.cleanup());

  it('certificate import: missing file, directory, empty, binary garbage, text, key only, PFX without or with a wrong password', async () => {
    await refused([
      { what: 'missing file', args: ['certificate', 'import', f('missing.pem')], code: 'FILE_NOT_FOUND', match: [/cannot read .*missing\.pem: no such file/] },
      { what: 'directory', args: ['certificate', 'import', f('a-directory')], code: 'FILE_NOT_FOUND', match: [/a-directory: it is a directory/] },
      { what: 'empty file', args: ['certificate', 'import', f('empty.pem')], code: 'UNRECOGNISED_CERTIFICATE_FILE', match: [/file is empty/, /PEM/, /PKCS#12/] },
      { what: 'binary garbage', args: ['certificate', 'import', f('garbage.bin')], code: 'UNRECOGNISED_CERTIFICATE_FILE', match: [/not certificate data/, /DER/] },
      { what: 'text file', args: ['certificate', 'import', f('notes.txt')], code: 'UNRECOGNISED_CERTIFICATE_FILE', match: [/text with no PEM block/] },
      { what: 'key-only PEM', args: ['certificate', 'import', f('key.pem')], code: 'NO_CERTIFICATE_IN_FILE', match: [/private key but no certificate/, /PFX/] },
      { what: 'PFX without --password', args: ['certificate', 'import', f('protected.pfx')], code: 'PASSWORD_REQUIRED', match: [/password-protected/, /--password/] },
      { what: 'PFX with a wrong password', args: ['certificate', 'import', f('protected.pfx'), '--password', 'wrong'], code: 'BAD_PASSWORD', match: [/password is wrong/] },
    ]);
  });

  it('certificate get|enable|remove|export: an unknown thumbprint and one that is not hexadecimal', async () => {
    const cases: Case[] = [];
    for (const cmd of ['get', 'enable', 'remove', 'export']) {
      const extra = cmd === 'enable' ? ['--services', 'IIS'] : cmd === 'export' ? ['--out', f(`unknown-${cmd}.pem`)] : [];
      cases.push({ what: `${cmd} unknown`, args: ['certificate', cmd, UNKNOWN, ...extra], code: 'CERTIFICATE_NOT_FOUND',
        match: [new RegExp(`no certificate or request with thumbprint ${UNKNOWN}`), /'openum certificate list' shows them/] });
      cases.push({ what: `${cmd} not hex`, args: ['certificate', cmd, 'not-a-thumbprint', ...extra], code: 'BAD_ARGUMENT',
        match: [/"not-a-thumbprint" is not a thumbprint \(40 hexadecimal digits\)/, /openum certificate list/] });
    }
    await refused(cases);
    assert.equal(existsSync(f('unknown-export.pem')), false, 'no file written');
  });

  it('certificate enable with an unknown service; certificate new with a bad subject, key size, friendly name, domain or --out', async () => {
    await refused([
      { what: 'unknown service', args: ['certificate', 'enable', cert, '--services', 'NOPE'], code: 'UNKNOWN_SERVICE',
        match: [/unknown service "NOPE"/, /IIS, SMTP, IMAP, POP, UM, UMCallRouter/] },
      { what: 'subject without CN', args: ['certificate', 'new', '--subject', 'O=NoCn'], code: 'BAD_SUBJECT', match: [/"O=NoCn": it has no CN/, /CN=um\.contoso\.com/] },
      { what: 'subject garbage', args: ['certificate', 'new', '--subject', 'garbage'], code: 'BAD_SUBJECT', match: [/bad subject "garbage"/, /TYPE=value/] },
      { what: 'key size 512', args: ['certificate', 'new', '--key-size', '512'], code: 'BAD_KEY_SIZE', match: [/key size 512 is not allowed/, /1024, 2048 \(default\) or 4096/] },
      { what: 'key size not a number', args: ['certificate', 'new', '--key-size', 'big'], code: 'BAD_KEY_SIZE', match: [/key size big is not allowed/] },
      { what: 'friendly name of 64 characters', args: ['certificate', 'new', '--friendly-name', 'F'.repeat(64)], code: 'FRIENDLY_NAME_TOO_LONG',
        match: [/friendly name has 64 characters/, /shorter than 64/] },
      { what: 'bad domain', args: ['certificate', 'new', '--domain', 'bad domain!'], code: 'BAD_DOMAIN', match: [/bad domain name "bad domain!"/, /um\.contoso\.com/] },
      { what: 'request into a missing directory', args: ['certificate', 'new', '--request', '--out', f('no-such-dir/um.csr')], code: 'FILE_NOT_FOUND',
        match: [/no-such-dir\/um\.csr/, /does not exist/] },
      { what: 'request over an existing file', args: ['certificate', 'new', '--request', '--out', f('existing.pem')], code: 'FILE_EXISTS', match: [/already exists/, /--force/] },
      { what: 'DER request without --out', args: ['certificate', 'new', '--request', '--der'], code: 'BAD_ARGUMENT', match: [/--der needs --out FILE/] },
    ]);
    assert.equal(existsSync(f('no-such-dir')), false);
    await watch.assertUnchanged(start, 'no certificate or request made');
  });

  it('certificate export without --out, over an existing file without --force, into a missing directory', async () => {
    await refused([
      { what: 'no --out', args: ['certificate', 'export', cert], code: 'BAD_ARGUMENT', match: [/'openum certificate export' needs --out FILE/] },
      { what: 'existing file', args: ['certificate', 'export', cert, '--out', f('existing.pem')], code: 'FILE_EXISTS',
        match: [/existing\.pem already exists/, /add --force/] },
      { what: 'existing file, PFX', args: ['certificate', 'export', cert, '--out', f('existing.pem'), '--password', 'secret'], code: 'FILE_EXISTS',
        match: [/existing\.pem already exists/] },
      { what: 'missing directory', args: ['certificate', 'export', cert, '--out', f('no-such-dir/x.pfx'), '--password', 'secret'], code: 'FILE_NOT_FOUND',
        match: [/cannot write .*no-such-dir\/x\.pfx: the directory .*no-such-dir does not exist/] },
    ]);
    assert.equal(readFileSync(f('existing.pem'), 'utf8'), EXISTING, 'the existing file is unchanged');
    assert.equal(existsSync(f('no-such-dir')), false);
    assert.deepEqual(readdirSync(tmp.path).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
    await watch.assertUnchanged(start, 'no key export audited');
  });

  it('service and callrouter set: fixed UM ports, an unknown startup mode, out-of-range and colliding ports', async () => {
    await refused([
      { what: 'UM service port', args: ['service', 'set', '--sip-tcp-port', '6000'], code: 'PORT_NOT_CHANGEABLE',
        match: [/UM service always listens on 5062 \(TCP\) and 5063 \(TLS\)/, /cannot be changed/] },
      { what: 'startup mode', args: ['service', 'set', '--startup-mode', 'Bogus'], code: 'BAD_SETTING', match: [/startup mode "Bogus" is not one of TCP, TLS, Dual/] },
      { what: 'port 70000', args: ['callrouter', 'set', '--sip-tcp-port', '70000'], code: 'BAD_SETTING', match: [/from 1 to 65535 \(got "70000"\)/] },
      { what: 'port of the UM service', args: ['callrouter', 'set', '--sip-tls-port', '5062'], code: 'BAD_SETTING',
        match: [/5062 is used by the UM service/, /choose another port/] },
    ]);
  });

  it('unknown command, sub-command and option; a missing argument', async () => {
    await refused([
      { what: 'unknown command', args: ['frobnicate'], code: 'UNKNOWN_COMMAND', match: [/unknown command 'frobnicate'/, /openum --help/] },
      { what: 'unknown sub-command', args: ['certificate', 'frob'], code: 'UNKNOWN_COMMAND',
        match: [/unknown command 'openum certificate frob'/, /new, import, export, list, get, enable, remove/] },
      { what: 'unknown option', args: ['certificate', 'list', '--bogus'], code: 'BAD_ARGUMENT',
        match: [/unknown option --bogus/, /'openum certificate list --help'/] },
      { what: 'missing argument', args: ['certificate', 'get'], code: 'BAD_ARGUMENT', match: [/'openum certificate get' is missing an argument/, /THUMBPRINT/] },
    ]);
  });

  it('a management command on an uninitialised data directory says to initialise it, and creates nothing', async () => {
    const empty = f('empty-data');
    mkdirSync(empty);
    const absent = f('absent/data');
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const uninitialised = (dir: string): RegExp[] => [new RegExp(`${escape(dir)} is not initialised`), /run 'openum start --data .*' \(or 'openum init'\) first/];
    await refused([
      { what: 'certificate list', args: ['certificate', 'list'], data: empty, code: 'STORE_UNAVAILABLE', match: uninitialised(empty) },
      { what: 'certificate new', args: ['certificate', 'new'], data: empty, code: 'STORE_UNAVAILABLE', match: uninitialised(empty) },
      { what: 'service set', args: ['service', 'set', '--startup-mode', 'TLS'], data: empty, code: 'STORE_UNAVAILABLE', match: uninitialised(empty) },
      { what: 'audit', args: ['audit'], data: empty, code: 'STORE_UNAVAILABLE', match: uninitialised(empty) },
      { what: 'certificate list, no directory', args: ['certificate', 'list'], data: absent, code: 'STORE_UNAVAILABLE', match: uninitialised(absent) },
    ]);
    assert.deepEqual(readdirSync(empty), [], 'no store or master key created');
    assert.equal(existsSync(f('absent')), false, 'no directory created');
  });

  it('leaves the store as it was: same certificate list, no audit entry', async () => {
    await watch.assertUnchanged(start, 'after all the bad input');
  });
});
