// A running `openum start` (admin API only) for the user web API tests: dial plan DP, users alice
// (1000: two messages and a missed call) and bob (1001: one message), a gateway GW that allows
// outcalls, a default policy that locks after 3 wrong passwords, and a real SMTP server.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findUser } from '../../src/org/users.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { cli, initData, startServer, type RunningServer } from './openum.js';
import { tempDir } from './run.js';
import { addMessage, smtpSink, waitFor, type ReceivedMail, type SmtpSink, type StoredMessage } from './voicemail.js';
import { WebClient } from './web-client.js';

export interface WebSite {
  data: string;
  token: string;
  server: RunningServer;
  node: OpenNode;
  smtp: SmtpSink;
  /** Alice's two voice messages, oldest first. */
  alice: StoredMessage[];
  aliceMissedId: number;
  bobMessage: StoredMessage;
  must(args: string[], input?: string): Promise<string>;
  mailTo(to: string, subject: RegExp): Promise<ReceivedMail>;
  /** Invites `user` (not mailed) and sets `password` from the link: a signed-in client. */
  setPassword(user: string, password: string): Promise<WebClient>;
  stop(): Promise<void>;
}

/** `smtpAddress` and `gatewayAddress`: loopback addresses of the test's own range. */
export async function startWebSite(smtpAddress: string, gatewayAddress: string): Promise<WebSite> {
  const tmp = tempDir('openum-user-api-');
  const data = join(tmp.path, 'data');
  const { token } = await initData(data, 'um.contoso.test');
  const smtp = await smtpSink(smtpAddress);
  const must = async (args: string[], input?: string) => {
    const r = await cli(args, { data, ...(input === undefined ? {} : { input }) });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  await must(['dialplan', 'new', 'DP', '--extension-length', '4']);
  await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test']);
  await must(['user', 'new', 'bob', '--extension', '1001', '--dial-plan', 'DP', '--email', 'bob@contoso.test']);
  // A gateway that allows outcalls, for Play on Phone (no SIP roles run here: calls stay queued).
  await must(['gateway', 'new', 'GW', '--address', gatewayAddress, '--dial-plan', 'DP', '--outcalls', 'on']);
  await must(['policy', 'set', 'DP Default Policy', '--pin-reset-failures', '2', '--max-logon-attempts', '3']);
  await must(['smtp', 'set', '--host', smtpAddress, '--port', String(smtp.port), '--security', 'none', '--from', 'voicemail@um.contoso.test']);
  const node = await openNode({ dataDir: data, actor: { name: 'test' } });
  const serverName = node.serverName ?? '';
  const aliceId = (await findUser(node.store.db, 'alice'))?.id ?? 0;
  const bobId = (await findUser(node.store.db, 'bob'))?.id ?? 0;
  const alice = [
    await addMessage(node.store.db, data, { serverName, userId: aliceId, seconds: 1 }),
    await addMessage(node.store.db, data, { serverName, userId: aliceId, seconds: 2, callerName: 'Dario Bianchi' }),
  ];
  const aliceMissedId = (await addMessage(node.store.db, data, { serverName, userId: aliceId, state: 'missed' })).id;
  const bobMessage = await addMessage(node.store.db, data, { serverName, userId: bobId, seconds: 1 });
  const server = await startServer(data);
  return {
    data, token, server, node, smtp, alice, aliceMissedId, bobMessage, must,
    mailTo: (to, subject) => waitFor(`a mail to ${to}`, () =>
      smtp.received.find((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? '')), 10_000),
    async setPassword(user, password) {
      const invite = JSON.parse(await must(['user', 'invite', user, '--no-email', '--json'])) as { link: string };
      const web = new WebClient(server.port);
      const r = await web.send('POST', '/api/password/invite', { body: { token: new URL(invite.link).searchParams.get('token'), password } });
      assert.equal(r.status, 200, r.body.toString());
      web.csrf = r.json().csrfToken as string;
      return web;
    },
    async stop() {
      await server.stop();
      await node.close();
      await smtp.close();
      tmp.cleanup();
    },
  };
}
