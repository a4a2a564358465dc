// A data directory with a dial plan, a gateway and users, and a running `openum start` whose SIP
// roles listen on one loopback address of the test's own (127.0.0.0/8 is all loopback), so test
// files that run at the same time never share the fixed UM ports.
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { createDialPlan } from '../../src/org/dial-plans.js';
import { createGateway } from '../../src/org/ip-gateways.js';
import { createUser, findUser } from '../../src/org/users.js';
import { setPin } from '../../src/org/user-pins.js';
import { openNode } from '../../src/services/node.js';
import { cli, initData, startServer, type RunningServer } from './openum.js';
import { tempDir } from './run.js';

export interface UmSite {
  data: string;
  token: string;
  address: string;
  server: RunningServer;
  tmp: ReturnType<typeof tempDir>;
  run(args: string[]): Promise<void>;
  stop(): Promise<void>;
}

export async function must(args: string[], data: string): Promise<string> {
  const r = await cli(args, { data });
  if (r.code !== 0) throw new Error(`openum ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/**
 * init → dial plan DP (4-digit extensions, pilot 4000) → gateway GW at `gatewayAddress` → users
 * alice (1000) and bob (1001) → start with SIP on `address`.
 */
export async function startSite(address: string, options: { gatewayAddress?: string; fqdn?: string; before?: (data: string) => Promise<void>; env?: NodeJS.ProcessEnv } = {}): Promise<UmSite> {
  const tmp = tempDir('openum-sip-');
  const data = join(tmp.path, 'data');
  const { token } = await initData(data, options.fqdn ?? 'um.contoso.test');
  // The organisation through the org code the CLI runs ('openum dialplan new …', 'gateway new',
  // 'user new'), in this process: four CLI starts fewer for every test file with a site. The CLI
  // commands themselves are tested in test/cli. Like the CLI, it uses OPENUM_DATABASE_URL when set.
  const node = await openNode({ dataDir: data, databaseUrl: process.env.OPENUM_DATABASE_URL || undefined, actor: { name: 'test' } });
  try {
    await createDialPlan(node.store.db, node.actor, 'DP', { extensionLength: 4, accessNumbers: ['4000'] });
    await createGateway(node.store.db, node.actor, 'GW', { address: options.gatewayAddress ?? address, dialPlan: 'DP' });
  } finally {
    await node.close();
  }
  await addMailboxes(data, [{ user: 'alice', extension: '1000' }, { user: 'bob', extension: '1001' }]);
  await options.before?.(data);
  const server = await startServer(data, { args: ['--sip-address', address], sip: true, ...(options.env ? { env: options.env } : {}) });
  return {
    data, token, address, server, tmp,
    run: async (args) => void (await must(args, data)),
    stop: async () => {
      await server.stop();
      tmp.cleanup();
    },
  };
}

/** A mailbox of dial plan DP for a test of its own: the user, the extension, the PIN (optional). */
export interface Mailbox {
  user: string;
  extension: string;
  pin?: string;
}

/**
 * Makes the users (when missing) and sets their PINs, to be used as they are (no change at the
 * first logon): what `openum user new … --dial-plan DP` and `openum user pin set --no-expire`
 * do, through the same org code, in this process. A test that needs many mailboxes saves a CLI
 * start (a second of CPU) for each; the server, running or not, sees them as it sees the CLI's.
 */
export async function addMailboxes(data: string, boxes: readonly Mailbox[]): Promise<void> {
  const node = await openNode({ dataDir: data, databaseUrl: process.env.OPENUM_DATABASE_URL || undefined, actor: { name: 'test' } });
  try {
    for (const b of boxes) {
      if (!(await findUser(node.store.db, b.user))) {
        await createUser(node.store.db, node.actor, b.user, { extension: b.extension, dialPlan: 'DP', email: `${b.user}@contoso.test` });
      }
      if (b.pin !== undefined) await setPin(node.store.db, node.actor, b.user, b.pin, { mustChange: false });
    }
  } finally {
    await node.close();
  }
}

/** Sends one datagram and collects the first reply (or undefined after `timeoutMs`). */
export function udpExchange(to: { address: string; port: number }, data: Buffer | string, options: { from?: string; timeoutMs?: number } = {}): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); resolve(undefined); }, options.timeoutMs ?? 1500);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(m.toString('latin1')); });
    s.bind(0, options.from ?? to.address, () => s.send(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, to.port, to.address));
  });
}

/** A minimal valid request from `from` (the gateway), for OPTIONS and INVITE probes. */
export function request(method: string, uri: string, from: string, port: number, extra: string[] = [], body = ''): string {
  const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
  return [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${from}:${port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:gw@${from}>;tag=${Math.random().toString(36).slice(2, 8)}`,
    `To: <${uri}>`,
    `Call-ID: ${Math.random().toString(36).slice(2)}@${from}`,
    `CSeq: 1 ${method}`,
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** "SIP/2.0 302 Moved Temporarily" → { status: 302, reason: 'Moved Temporarily' }. */
export function statusOf(reply: string | undefined): { status: number; reason: string } {
  const m = /^SIP\/2\.0 (\d{3}) ([^\r\n]*)/.exec(reply ?? '');
  return { status: Number(m?.[1] ?? 0), reason: m?.[2] ?? '' };
}

export function headerOf(reply: string | undefined, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*([^\\r\\n]*)`, 'im').exec(reply ?? '')?.[1];
}
