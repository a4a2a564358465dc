// The admin center's Calls and Servers data, against a real `openum start` and real SIPp callers:
// calls held up by SIPp (UDP and TCP, straight to a worker, diverted from alice) are listed by
// GET /api/calls and `openum calls` with their gateway, dial plan, type and transport while they
// last, and are gone after; INVITEs the Call Router and a worker must refuse (an address that is
// no gateway, a number nobody has) are in GET /api/refusals and `openum refusals` with their
// reasons; GET /api/ports is `openum ports --json` in API words; /api/audit pages with before.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PortRow } from '../../src/org/port-table.js';
import type { CallsReport } from '../../src/services/live-status.js';
import type { RefusalEntry } from '../../src/services/routing/refusal-log.js';
import { api } from '../support/api.js';
import { cli, cliJson } from '../support/openum.js';
import { runSipp, sippAvailable, type SippResult } from '../support/peers/sipp.js';
import { renderVoicemailScenario, SIPP_G711A, sippPcapsMissing } from '../support/peers/sipp-voicemail.js';
import { must, request, startSite, statusOf, udpExchange, type UmSite } from '../support/um-setup.js';

const ADDRESS = '127.0.113.10';
const STRANGER = '127.0.113.62';
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;

/** Polls `probe` every 200 ms until it returns a value, for at most `ms`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (let i = 0; i < 200 && Date.now() < end; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

describe('calls in progress, last refusals and the port table', { skip, timeout: 150_000 }, () => {
  let site: UmSite;
  const get = async <T>(path: string): Promise<T> => {
    const r = await api(site.server.port, 'GET', path, { token: site.token });
    assert.equal(r.status, 200, r.body);
    return r.json() as T;
  };
  before(async () => {
    site = await startSite(ADDRESS, { before: (data) => must(['service', 'set', '--rtp-ports', '41000-41999'], data).then(() => undefined) });
  });
  after(async () => { await site?.stop(); });

  it('lists calls held up by SIPp (UDP and TCP) with gateway, dial plan, type, user and transport, and drops them when they end', async () => {
    // The caller waits 6 s (greeting and tone), speaks 1.5 s and hangs up: long enough to look.
    const scenario = renderVoicemailScenario(join(site.tmp.path, 'held.xml'), { ending: 'hangup', audioPcap: SIPP_G711A, greetingMs: 6000, audioMs: 1500 });
    const call = (transport: 'u1' | 't1', localPort: number, mediaPort: number): Promise<SippResult> => runSipp({
      scenario, target: `${ADDRESS}:5065`, transport, calls: 1, timeoutSec: 40, localPort, mediaPort,
      keys: { service: '4000', from_user: '+15551230001' }, headers: [`Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`],
    });
    const running = [call('u1', 15160, 33000), call('t1', 15162, 33010)];
    const report = await until('both calls listed', 15_000, async () => {
      const r = await get<CallsReport>('/api/calls');
      return r.calls.length === 2 ? r : undefined;
    });
    for (const c of report.calls) {
      assert.deepEqual({ ...c, id: undefined, startedAt: undefined, transport: undefined }, {
        id: undefined, role: 'worker', worker: 1, type: 'callAnswering', direction: 'inbound', from: '+15551230001', to: '4000',
        gateway: 'GW', dialPlan: 'DP', user: 'alice', transport: undefined, media: 'RTP', startedAt: undefined,
      });
      assert.ok(Date.now() - Date.parse(c.startedAt) < 15_000, c.startedAt);
      assert.ok(c.id.length > 0);
    }
    assert.deepEqual(report.calls.map((c) => c.transport).sort(), ['tcp', 'udp']);
    assert.deepEqual(report.totals, { byRole: { worker: 2, umService: 0 }, byGateway: { GW: 2 }, byDialPlan: { DP: 2 }, byType: { callAnswering: 2 } });

    const json = await cliJson<CallsReport>(['calls'], { data: site.data });
    assert.deepEqual(json.calls.map((c) => c.id).sort(), report.calls.map((c) => c.id).sort());
    const table = await cli(['calls'], { data: site.data });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^SINCE\s+WORKER\s+TYPE/m);
    assert.match(table.stdout, /call answering\s+inbound\s+\+15551230001\s+4000\s+GW\s+DP\s+alice\s+UDP\s+RTP/);
    assert.match(table.stdout, /^2 calls in progress$/m);

    const results = await Promise.all(running);
    for (const r of results) assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-2000)}`);
    const after = await until('calls gone', 10_000, async () => {
      const r = await get<CallsReport>('/api/calls');
      return r.calls.length === 0 ? r : undefined;
    });
    assert.deepEqual(after.totals.byGateway, {});
    assert.match((await cli(['calls'], { data: site.data })).stdout, /^no calls in progress$/m);
  });

  it('keeps the refusals of the Call Router and a worker, newest first, with reason, peer and gateway', async () => {
    const stranger = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:1000@${ADDRESS}`, STRANGER, 0), { from: STRANGER });
    assert.equal(statusOf(stranger).status, 403);
    const unknown = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:9999@${ADDRESS}`, ADDRESS, 0), { from: ADDRESS });
    assert.equal(statusOf(unknown).status, 404);
    const atWorker = await udpExchange({ address: ADDRESS, port: 5065 }, request('INVITE', `sip:1000@${ADDRESS}`, STRANGER, 0), { from: STRANGER });
    assert.equal(statusOf(atWorker).status, 403);
    const atUm = await udpExchange({ address: ADDRESS, port: 5062 }, request('INVITE', `sip:1000@${ADDRESS}`, STRANGER, 0), { from: STRANGER });
    assert.equal(statusOf(atUm).status, 403);

    const { refusals } = await get<{ refusals: RefusalEntry[] }>('/api/refusals?limit=4');
    assert.equal(refusals.length, 4);
    const [um, worker, notFound, forbidden] = refusals;
    assert.deepEqual([um?.role, um?.status, um?.reason], ['umService', 403, `Forbidden - ${STRANGER} is not a UM IP gateway`]);
    assert.deepEqual({ ...worker, at: undefined, peer: undefined }, {
      at: undefined, role: 'worker', worker: 1, status: 403, reason: `Forbidden - ${STRANGER} is not a UM IP gateway`, method: 'INVITE',
      from: `sip:gw@${STRANGER}`, to: `sip:1000@${ADDRESS}`, peer: undefined, transport: 'udp', gateway: null,
    });
    assert.match(worker?.peer ?? '', new RegExp(`^${STRANGER.replaceAll('.', '\\.')}:\\d+$`));
    assert.deepEqual([notFound?.role, notFound?.status, notFound?.reason, notFound?.gateway], ['callRouter', 404, 'Not Found - 9999 is neither a UM user nor a pilot number of dial plan DP', 'GW']);
    assert.deepEqual([forbidden?.role, forbidden?.status, forbidden?.gateway], ['callRouter', 403, null]);
    assert.ok(refusals.every((r, i) => i === 0 || (refusals[i - 1]?.at ?? '') >= r.at), 'newest first');

    const bad = await api(site.server.port, 'GET', '/api/refusals?limit=0', { token: site.token });
    assert.equal(bad.status, 400);

    const viaCli = await cliJson<RefusalEntry[]>(['refusals', '--limit', '4'], { data: site.data });
    assert.deepEqual(viaCli, refusals);
    const table = await cli(['refusals'], { data: site.data });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^WHEN\s+ROLE\s+STATUS/m);
    assert.match(table.stdout, /Call Router\s+404\s+INVITE.*GW\s+Not Found - 9999 is neither a UM user nor a pilot number of dial plan DP$/m);
    assert.match(table.stdout, /UM worker 1\s+403\s+INVITE/);
    assert.match(table.stdout, /UM service\s+403\s+INVITE/);
  });

  it('serves the port table of `openum ports --json` in API words, with nftables, iptables and ufw rules', async () => {
    const body = await get<{ ports: PortRow[]; firewall: Record<string, string> }>('/api/ports');
    const rows = await cliJson<PortRow[]>(['ports'], { data: site.data });
    assert.deepEqual(body.ports.map((r) => ({ ...r, changeable: undefined })), rows.map((r) => ({ ...r, changeable: undefined })));
    assert.equal(body.ports.find((r) => r.role === 'Call Router' && r.protocol === 'TCP' && r.mode === 'unsecured')?.changeable, 'PATCH /api/callrouter sipTcpPort');
    assert.equal(body.ports.find((r) => r.mode === 'media')?.changeable, 'PATCH /api/service rtpPorts');
    assert.ok(body.ports.every((r) => !r.changeable.includes('--')), 'no CLI flag in the API');
    for (const kind of ['nftables', 'iptables', 'ufw']) {
      const r = await cli(['ports', '--firewall', kind], { data: site.data });
      assert.equal(body.firewall[kind], r.stdout, kind);
    }
    assert.match(body.firewall.iptables ?? '', /--dport 41000:41999 /);
  });

  it('pages the audit log with before=<id>, giving the next id in X-Next-Before', async () => {
    const first = await api(site.server.port, 'GET', '/api/audit?limit=2', { token: site.token });
    const page1 = first.json() as { id: number }[];
    assert.equal(page1.length, 2);
    const next = first.headers['x-next-before'];
    assert.equal(next, String(page1[1]?.id));
    const page2 = (await api(site.server.port, 'GET', `/api/audit?limit=2&before=${next}`, { token: site.token })).json() as { id: number }[];
    assert.ok(page2.length > 0 && page2.every((e) => e.id < Number(next)));
    const all = (await api(site.server.port, 'GET', '/api/audit?limit=1000', { token: site.token }));
    assert.equal(all.headers['x-next-before'], undefined, 'the last page says no more');
    const cliPage = await cliJson<{ id: number }[]>(['audit', '--limit', '2', '--before', String(next)], { data: site.data });
    assert.deepEqual(cliPage.map((e) => e.id), page2.map((e) => e.id));
  });
});
