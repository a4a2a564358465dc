// Certificate expiry: warnings at 30, 14 and 7 days (once per threshold, certificate and day) and
// the install's self-signed certificate renewing itself 30 days before it expires, with a clock
// the test moves. The install certificate is replaced by one made to expire in 40 days (made
// "5 years minus 40 days ago", generate.ts's validity), enabled for IIS and SMTP as at install.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { getServer, setInstallCertificate } from '../../src/org/server-settings.js';
import { readAssignments } from '../../src/pki/certificate-repository.js';
import { listCertificates } from '../../src/pki/context.js';
import { enableCertificate } from '../../src/pki/enable-certificate.js';
import { newCertificate } from '../../src/pki/new-certificate.js';
import { openNode, pkiContext, type OpenNode } from '../../src/services/node.js';
import { CertificateWatch } from '../../src/services/ops/certificate-watch.js';
import { initData } from '../support/openum.js';
import { tempDir } from '../support/run.js';

const DAY = 86_400_000;

function capture(): { log: pino.Logger; lines: () => { level: number; msg: string; threshold?: number; thumbprint?: string; new?: string; services?: string[] }[] } {
  const out: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { out.push(chunk.toString()); done(); } });
  return { log: pino({ level: 'info' }, stream), lines: () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as never) };
}

describe('certificate expiry warnings and the install certificate renewing itself', { timeout: 120_000 }, () => {
  const tmp = tempDir('openum-certwatch-');
  const data = `${tmp.path}/data`;
  let node: OpenNode;
  let shortLived: string;
  let notAfter: number;

  before(async () => {
    await initData(data, 'um.contoso.test');
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    const start = new Date(Date.now() - (5 * 365 + 1 - 40) * DAY); // five years of validity, 40 days left
    const ctx = { ...pkiContext(node), now: () => start };
    const { view } = await newCertificate(ctx, { subject: 'CN=um.contoso.test', domains: ['um'], friendlyName: 'OpenUM self-signed (install)' });
    await enableCertificate(pkiContext(node), view.thumbprint, ['IIS', 'SMTP'], { confirmSmtpReplace: true });
    await setInstallCertificate(node.store.db, node.actor, node.serverName ?? '', view.thumbprint);
    shortLived = view.thumbprint;
    notAfter = Date.parse(view.notAfter ?? '');
    assert.ok(notAfter - Date.now() > 35 * DAY && notAfter - Date.now() < 45 * DAY, `made to expire in ~40 days: ${view.notAfter}`);
  });
  after(async () => {
    await node?.close();
    tmp.cleanup();
  });

  it('no warning with 40 days left; at 29 days one warning (30) per day, and the renewal takes over IIS and SMTP', async () => {
    let now = notAfter - 40 * DAY;
    const { log, lines } = capture();
    const watch = new CertificateWatch({ node, log, now: () => now });
    await watch.check();
    assert.equal(lines().length, 0, JSON.stringify(lines()));

    now = notAfter - 29 * DAY;
    await watch.check();
    await watch.check(); // the same day: nothing more
    const warned = lines().filter((l) => l.msg.startsWith('certificate expires'));
    assert.deepEqual(warned.map((l) => [l.threshold, l.thumbprint, l.services?.sort().join(',')]), [[30, shortLived, 'IIS,SMTP']]);
    const renewed = lines().find((l) => l.msg.startsWith('install certificate renewed'));
    assert.ok(renewed?.new, 'renewed');

    const server = await getServer(node.store.db, node.serverName ?? '');
    assert.equal(server.installCertificate, renewed.new);
    const assignments = await readAssignments(node.store.db, node.serverName ?? '');
    assert.equal(assignments.get('IIS'), renewed.new);
    assert.equal(assignments.get('SMTP'), renewed.new);
    const all = await listCertificates(pkiContext(node));
    const old = all.find((c) => c.thumbprint === shortLived);
    const fresh = all.find((c) => c.thumbprint === renewed.new);
    assert.ok(old, 'the old certificate is kept until it expires');
    assert.equal(fresh?.subject, old.subject);
    assert.deepEqual(fresh?.domains, old.domains);
    assert.ok(Date.parse(fresh?.notAfter ?? '') - Date.now() > 4 * 365 * DAY);

    // The next check sees the new certificate: no second renewal, no warning.
    now += DAY;
    const before = lines().length;
    await watch.check();
    assert.equal(lines().length, before, JSON.stringify(lines().slice(before)));
  });

  it('a certificate nobody renews warns at 14 and 7 days, daily, and once expired says so', async () => {
    // Put the short-lived one back on IIS only, as an administrator could.
    await enableCertificate(pkiContext(node), shortLived, ['IIS'], { confirmSmtpReplace: true });
    const { log, lines } = capture();
    let now = notAfter - 13 * DAY;
    const watch = new CertificateWatch({ node, log, now: () => now });
    await watch.check();
    now += 60_000; // later the same day
    await watch.check();
    now = notAfter - 12 * DAY;
    await watch.check();
    now = notAfter - 6 * DAY;
    await watch.check();
    now = notAfter + DAY;
    await watch.check();
    const mine = lines().filter((l) => l.thumbprint === shortLived);
    assert.deepEqual(mine.map((l) => [l.level, l.threshold]), [[40, 14], [40, 14], [40, 7], [50, 0]]);
    assert.match(mine.at(-1)?.msg ?? '', /has expired/);
  });
});
