// /health, /ready and /metrics of a real `openum start`, scraped with a real HTTPS client: an
// INVITE through the Call Router (302), one from an address that is no gateway (refused), and a
// SIPp call that leaves a voice message on a worker must each move their counters, summed over
// the Call Router and worker processes; the message waits for SMTP (none is set), so the queue
// gauges show it; the install certificate's days left are there for IIS.
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { renderVoicemailScenario, sippPcapsMissing, voicemailPcaps } from '../support/peers/sipp-voicemail.js';
import { must, request, startSite, statusOf, udpExchange, type UmSite } from '../support/um-setup.js';
import { waitFor } from '../support/voicemail.js';
import { messageIds, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.117.10';
const STRANGER = '127.0.117.11';
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

/** The value of one sample (`name{labels}`), or undefined. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe('operations endpoints of a running server', { skip, timeout: 180_000 }, () => {
  let site: UmSite;
  before(async () => {
    site = await startSite(ADDRESS, {
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', '43600-43699'], data);
        // Dual: the Call Router also listens for TLS on 5061, with the install certificate by default.
        await must(['callrouter', 'set', '--startup-mode', 'Dual'], data);
      },
    });
  });
  after(async () => { await site?.stop(); });

  it('/health and /ready answer 200 without a token, with nothing private', async () => {
    const h = await get(site.server.port, '/health');
    assert.equal(h.status, 200);
    assert.deepEqual(JSON.parse(h.body), { status: 'ok' });
    const r = await get(site.server.port, '/ready');
    assert.equal(r.status, 200, r.body);
    const ready = JSON.parse(r.body) as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(ready.status, 'ready');
    assert.deepEqual(Object.keys(ready.checks).sort(), ['callRouter', 'started', 'store', 'umService', 'workers']);
  });

  it('/metrics counts calls by role and result, refusals by status and class, RTP, the SMTP queue and certificate days', async () => {
    const before = await get(site.server.port, '/metrics');
    assert.equal(before.status, 200);
    assert.match(before.type, /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(before.body, 'openum_workers_up'), 2);

    const routed = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:4000@${ADDRESS}`, ADDRESS, 15117));
    assert.equal(statusOf(routed).status, 302, routed);
    const refused = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:4000@${ADDRESS}`, STRANGER, 15118), { from: STRANGER });
    const refusedStatus = statusOf(refused).status;
    assert.ok(refusedStatus >= 400, refused);

    const pcaps = await voicemailPcaps(site.tmp.path);
    const known = await messageIds(site.data, 'alice');
    const r = await runSipp({
      scenario: renderVoicemailScenario(join(site.tmp.path, 'call.xml'), { ending: 'hangup', audioPcap: pcaps.audio, greetingMs: 6000, audioMs: 3000 }),
      target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 40, mediaPort: 43500, localPort: 15119,
      keys: { service: '4000', from_user: '+390611111111' }, headers: [`Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`],
    });
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${site.server.stderr().slice(-2000)}`);
    await waitForMessage(site.data, 'alice', known);

    const text = await waitFor('the ended call in the metrics', async () => {
      const m = (await get(site.server.port, '/metrics')).body;
      return (sample(m, 'openum_rtp_loss_ratio_count') ?? 0) >= 1 ? m : undefined;
    }, 20_000);
    assert.equal(sample(text, 'openum_calls_total', { role: 'call-router', result: 'redirected' }), 1);
    assert.equal(sample(text, 'openum_calls_total', { role: 'call-router', result: 'refused' }), 1);
    assert.equal(sample(text, 'openum_sip_refusals_total', { role: 'call-router', status: String(refusedStatus) }), 1);
    assert.equal(sample(text, 'openum_calls_total', { role: 'worker', result: 'answered' }), 1);
    assert.ok((sample(text, 'openum_rtp_received_packets_total') ?? 0) > 50, 'RTP packets counted');
    assert.ok(sample(text, 'openum_rtp_jitter_seconds_count') === 1);
    assert.equal(sample(text, 'openum_smtp_queue_depth'), 1, 'no SMTP server: the message waits');
    assert.ok((sample(text, 'openum_smtp_queue_oldest_seconds') ?? 0) > 0);
    const days = sample(text, 'openum_certificate_expiry_days', { service: 'IIS' });
    assert.ok(days !== undefined && days > 300, `IIS certificate days: ${days}`);
    assert.ok(sample(text, 'openum_event_loop_delay_seconds', { process: 'worker-1', quantile: '0.99' }) !== undefined, 'worker processes report their loop delay');
    assert.ok(sample(text, 'openum_event_loop_delay_seconds', { process: 'call-router-1', quantile: '0.99' }) !== undefined);
    for (const proc of ['main', 'call-router-1', 'worker-1']) {
      const used = sample(text, 'openum_process_memory_bytes', { process: proc, kind: 'heap_used' }) ?? 0;
      assert.ok(used > 0 && used <= (sample(text, 'openum_process_memory_bytes', { process: proc, kind: 'heap_total' }) ?? 0), `${proc} reports its heap`);
      assert.ok((sample(text, 'openum_process_memory_bytes', { process: proc, kind: 'rss' }) ?? 0) > used, `${proc} reports its RSS`);
    }
    assert.equal(sample(text, 'openum_calls_in_progress', { role: 'worker' }), 0);
    assert.doesNotMatch(text, /\+390611111111|alice|127\.0\.117/, 'no caller, user or address in the metrics');
  });

  it('/metrics counts failed TLS handshakes by reason class: plain text sent to the TLS port is not_tls', async () => {
    await new Promise<void>((resolve, reject) => {
      const s = connect({ host: ADDRESS, port: 5061 }, () => s.write('OPTIONS sip:um SIP/2.0\r\n\r\n'));
      s.setTimeout(5000, () => s.destroy());
      s.on('error', () => undefined);
      s.on('close', () => resolve());
      s.on('timeout', () => reject(new Error('the TLS listener kept a plain-text connection open')));
    });
    const text = await waitFor('the failed handshake in the metrics', async () => {
      const m = (await get(site.server.port, '/metrics')).body;
      // Whichever Call Router process the kernel handed the connection to.
      const n = (sample(m, 'openum_tls_handshake_failures_total', { role: 'call-router-1', reason: 'not_tls' }) ?? 0)
        + (sample(m, 'openum_tls_handshake_failures_total', { role: 'call-router-2', reason: 'not_tls' }) ?? 0);
      return n === 1 ? m : undefined;
    }, 10_000);
    assert.ok(text);
  });
});
