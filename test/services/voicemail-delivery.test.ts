// SMTP delivery of voice messages against a real SMTP server (smtp-server) on 127.0.44.x: plain,
// STARTTLS with a test CA that must be in the trust list, a server that asks for a client
// certificate (it must be the one enabled for SMTP), and a server that refuses the first attempt
// with a 4xx. The received mail is parsed with mailparser; the attachment must be the WAV file.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findUser } from '../../src/org/users.js';
import { getMessage } from '../../src/org/voice-messages.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { VoicemailService } from '../../src/services/voicemail/voicemail-service.js';
import { makeCa, type TestCa } from '../support/ca.js';
import { cli, cliJson, initData } from '../support/openum.js';
import { openssl, tempDir } from '../support/run.js';
import { addMessage, silentLog, smtpSink, waitFor } from '../support/voicemail.js';

describe('voice mail delivery by SMTP', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let node: OpenNode;
  let vm: VoicemailService;
  let ca: TestCa;
  let aliceId: number;
  const server = 'um1';
  const must = async (args: string[]) => {
    const r = await cli(args, { data });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const delivered = (id: number) => waitFor(`message ${id} delivered`, async () => {
    const m = await getMessage(node.store.db, id);
    return m.delivery === 'delivered' ? m : undefined;
  });

  /** A key and certificate for an SMTP server on `ip`, issued by the test CA (IP SAN, RFC 6125 §6.2.1 style). */
  async function serverCert(ip: string): Promise<{ key: Buffer; cert: Buffer }> {
    const key = join(tmp.path, `smtp-${ip}.key`);
    const csr = join(tmp.path, `smtp-${ip}.csr`);
    const crt = join(tmp.path, `smtp-${ip}.crt`);
    const ext = join(tmp.path, `smtp-${ip}.ext`);
    await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${ip}`]);
    writeFileSync(ext, `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:${ip}\n`);
    await openssl(['x509', '-req', '-in', csr, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', String(Date.now() % 1e9), '-days', '30', '-sha256', '-extfile', ext, '-out', crt]);
    return { key: readFileSync(key), cert: readFileSync(crt) };
  }

  before(async () => {
    tmp = tempDir('openum-smtp-');
    data = join(tmp.path, 'data');
    await Promise.all([initData(data, 'um.contoso.test', undefined), makeCa(tmp.path, 'OpenUM SMTP Test CA').then((c) => { ca = c; })]);
    await must(['dialplan', 'new', 'DP', '--extension-length', '4']);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test', '--display-name', 'Alice Bianchi']);
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    assert.equal(node.serverName !== undefined, true);
    aliceId = (await findUser(node.store.db, 'alice'))?.id ?? 0;
    vm = new VoicemailService(node, silentLog(), { deliveryRetryMs: [300, 600] });
    await vm.start();
  });
  after(async () => {
    await vm?.stop();
    await node?.close();
    tmp?.cleanup();
  });

  const serverName = () => node.serverName ?? server;

  it('keeps a message pending, with no attempt, while no SMTP server is configured', async () => {
    const m = await addMessage(node.store.db, data, { serverName: serverName(), userId: aliceId });
    vm.onVoicemail(0, { id: m.id, userId: aliceId });
    await vm.idle();
    const row = await getMessage(node.store.db, m.id);
    assert.equal(row.delivery, 'pending');
    assert.equal(row.deliveryAttempts, 0);
  });

  it('plain SMTP: the waiting message and a new one arrive, the WAV attached byte for byte', async () => {
    const sink = await smtpSink('127.0.44.10');
    try {
      await must(['smtp', 'set', '--host', '127.0.44.10', '--port', String(sink.port), '--security', 'none', '--from', 'um@contoso.test']);
      await vm.onStoreChange();
      const m = await addMessage(node.store.db, data, { serverName: serverName(), userId: aliceId, seconds: 2.5, callerName: 'Marco Verdi', callerId: 'sip:+390612345@gw.contoso.test' });
      vm.onVoicemail(0, { id: m.id, userId: aliceId });
      const row = await delivered(m.id);
      assert.equal(row.deliveryAttempts, 1);
      await waitFor('both mails', () => sink.received.length >= 2);
      const mail = sink.received.find((r) => r.parsed.messageId === `<${m.key}.voicemail@um.contoso.test>`);
      assert.ok(mail, `a mail with the message's Message-ID; got ${sink.received.map((r) => r.parsed.messageId).join(', ')}`);
      assert.deepEqual(mail.envelopeTo, ['alice@contoso.test']);
      assert.equal(mail.envelopeFrom, 'um@contoso.test');
      assert.equal(mail.parsed.from?.value[0]?.address, 'um@contoso.test');
      assert.equal(mail.secure, false);
      assert.match(mail.parsed.subject ?? '', /^Voice mail from Marco Verdi \(\+390612345\) \(0:03\)$/);
      assert.match(mail.parsed.text ?? '', /From: +Marco Verdi/);
      assert.match(mail.parsed.text ?? '', /To: +Alice Bianchi \(extension 1000\)/);
      assert.match(mail.parsed.text ?? '', /Duration: +0:03/);
      assert.match(mail.parsed.text ?? '', /Received: +\w{3}, \d{2} \w{3} \d{4}/);
      const [att] = mail.parsed.attachments;
      assert.ok(att);
      assert.equal(att.contentType, 'audio/wav');
      assert.match(att.filename ?? '', /^voicemail-\d{8}-\d{6}\.wav$/);
      assert.ok(att.content.equals(readFileSync(m.file)), 'the attachment is the WAV file, byte for byte');
    } finally {
      await sink.close();
    }
  });

  it('a 4xx on the first attempt: the failure is recorded, the retry delivers it', async () => {
    const sink = await smtpSink('127.0.44.12', { fail: (n) => (n === 1 ? { code: 451, text: 'Try again later' } : undefined) });
    try {
      await must(['smtp', 'set', '--host', '127.0.44.12', '--port', String(sink.port)]);
      await vm.onStoreChange();
      const m = await addMessage(node.store.db, data, { serverName: serverName(), userId: aliceId });
      vm.onVoicemail(1, { id: m.id, userId: aliceId });
      const failed = await waitFor('a failed first attempt', async () => {
        const r = await getMessage(node.store.db, m.id);
        return r.deliveryAttempts >= 1 ? r : undefined;
      });
      assert.equal(failed.delivery === 'pending' || failed.delivery === 'delivered', true);
      if (failed.delivery === 'pending') assert.match(failed.lastError ?? '', /451/);
      const row = await delivered(m.id);
      assert.equal(row.deliveryAttempts, 2);
      assert.equal(row.lastError, null);
      assert.equal(sink.received.length, 1);
      assert.ok(sink.received[0]?.parsed.attachments[0]?.content.equals(m.wav));
    } finally {
      await sink.close();
    }
  });

  it('STARTTLS: refused while the CA is not in the trust list, delivered over TLS once it is', async () => {
    const sink = await smtpSink('127.0.44.11', { tls: await serverCert('127.0.44.11') });
    try {
      await must(['smtp', 'set', '--host', '127.0.44.11', '--port', String(sink.port), '--security', 'require-starttls']);
      await vm.onStoreChange();
      const m = await addMessage(node.store.db, data, { serverName: serverName(), userId: aliceId });
      vm.onVoicemail(0, { id: m.id, userId: aliceId });
      const refused = await waitFor('a refused attempt', async () => {
        const r = await getMessage(node.store.db, m.id);
        return r.deliveryAttempts >= 1 ? r : undefined;
      });
      assert.equal(refused.delivery, 'pending');
      assert.match(refused.lastError ?? '', /certificate/i);
      assert.equal(sink.received.length, 0);

      await must(['trust', 'add', ca.certPath]);
      await vm.onStoreChange();
      const row = await delivered(m.id);
      assert.ok(row.deliveryAttempts >= 2);
      const mail = sink.received.at(-1);
      assert.equal(mail?.secure, true, 'upgraded with STARTTLS');
      assert.ok(mail?.parsed.attachments[0]?.content.equals(m.wav));
    } finally {
      await sink.close();
    }
  });

  it('a server that asks for a client certificate gets the one enabled for SMTP', async () => {
    const cert = await cliJson<{ thumbprint: string }>(['certificate', 'new', '--subject', 'CN=mail.um.contoso.test', '--domain', 'mail.um.contoso.test'], { data });
    await must(['certificate', 'enable', cert.thumbprint, '--services', 'SMTP', '--force']);
    const sink = await smtpSink('127.0.44.13', {
      tls: { ...(await serverCert('127.0.44.13')), requestCert: true, rejectUnauthorized: false },
      checkClient: (t) => (t === cert.thumbprint ? undefined : `client certificate ${t ?? 'none'} is not ${cert.thumbprint}`),
    });
    try {
      await must(['smtp', 'set', '--host', '127.0.44.13', '--port', String(sink.port), '--security', 'starttls']);
      await vm.onStoreChange();
      const m = await addMessage(node.store.db, data, { serverName: serverName(), userId: aliceId });
      vm.onVoicemail(0, { id: m.id, userId: aliceId });
      await delivered(m.id);
      assert.deepEqual(sink.refused, []);
      assert.equal(sink.received.at(-1)?.clientCertificate, cert.thumbprint);
    } finally {
      await sink.close();
    }
  });
});
