// `openum ports`: the seeds' port table from the stored configuration, following the startup
// modes and the changeable ports, and firewall rules that open exactly what is open.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PortRow } from '../../src/org/port-table.js';
import { CLI, cli, cliJson, initData } from '../support/openum.js';
import { run, tempDir } from '../support/run.js';

describe('openum ports', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  before(async () => {
    tmp = tempDir();
    data = join(tmp.path, 'data');
    await initData(data);
  });
  after(() => tmp.cleanup());

  const open = (rows: PortRow[]) => rows.filter((r) => r.open).map((r) => `${r.role} ${r.protocol} ${r.port} ${r.mode}`);

  it('lists the seeds’ ports for a new install (startup mode TCP)', async () => {
    const rows = await cliJson<PortRow[]>(['ports'], { data });
    assert.deepEqual(open(rows), [
      'Call Router UDP 5060 unsecured', 'Call Router TCP 5060 unsecured',
      'UM service UDP 5062 unsecured', 'UM service TCP 5062 unsecured',
      'UM worker 1 UDP 5065 unsecured', 'UM worker 1 TCP 5065 unsecured',
      'UM worker 2 UDP 5067 unsecured', 'UM worker 2 TCP 5067 unsecured',
      'UM workers UDP 1024-65535 media', 'Admin API TCP 8443 HTTPS',
    ]);
    assert.equal(rows.find((r) => r.port === '5062')?.changeable, 'no');
  });

  it('follows startup modes, changed ports and the RTP range', async () => {
    for (const args of [['service', 'set', '--startup-mode', 'Dual', '--rtp-ports', '20000-29999'], ['callrouter', 'set', '--startup-mode', 'TLS', '--sip-tls-port', '5071']]) {
      const r = await cli(args, { data });
      assert.equal(r.code, 0, r.stderr);
    }
    const rows = await cliJson<PortRow[]>(['ports'], { data });
    const o = open(rows);
    assert.ok(o.includes('Call Router TCP 5071 mutual TLS'));
    assert.ok(!o.some((x) => x.startsWith('Call Router') && x.includes('unsecured')), 'TLS only: no unsecured Call Router port');
    assert.ok(o.includes('UM service TCP 5063 mutual TLS') && o.includes('UM service TCP 5062 unsecured'), 'Dual: both');
    assert.ok(o.includes('UM worker 2 TCP 5068 mutual TLS'));
    assert.ok(o.includes('UM workers UDP 20000-29999 media'));
  });

  it('prints firewall rules for nftables, iptables and ufw, and refuses another kind', async () => {
    const nft = await cli(['ports', '--firewall', 'nftables'], { data });
    assert.match(nft.stdout, /tcp dport \{ 5071, 5062, 5063, 5065, 5066, 5067, 5068, 8443 \} accept/);
    assert.match(nft.stdout, /udp dport \{ 5062, 5065, 5067, 20000-29999 \} accept/);
    const ufw = await cli(['ports', '--firewall', 'ufw'], { data });
    assert.match(ufw.stdout, /^ufw allow 5071\/tcp comment 'OpenUM Call Router mutual TLS'$/m);
    assert.match(ufw.stdout, /^ufw allow 20000:29999\/udp/m);
    const ipt = await cli(['ports', '--firewall', 'iptables'], { data });
    assert.match(ipt.stdout, /^iptables -A INPUT -p tcp --dport 5071 -m comment --comment "OpenUM Call Router mutual TLS" -j ACCEPT$/m);
    assert.match(ipt.stdout, /^iptables -A INPUT -p udp --dport 20000:29999 /m);
    assert.doesNotMatch(ipt.stdout, /--dport 5060 /, 'a closed port gets no rule');
    const bad = await cli(['ports', '--firewall', 'pf'], { data });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: --firewall takes nftables, iptables or ufw/);
  });

  it('takes --data and --json before the command too, and asks for a directory after a bare --data', async () => {
    const r = await run(process.execPath, [CLI, '--data', data, '--json', 'ports']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as PortRow[]).length > 10);
    const bare = await run(process.execPath, [CLI, '--data']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^error: --data needs a directory/);
  });
});
