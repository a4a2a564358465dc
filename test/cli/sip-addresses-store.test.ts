// The SIP listen addresses live on the server's row in the store (migration 0008): a change is
// audited, and a data directory from before, with DATA/sip-addresses.json, has its file moved
// into the store once (a value already stored wins) and renamed so it is not read again.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, cliJson, initData } from '../support/openum.js';
import { tempDir } from '../support/run.js';

describe('SIP addresses in the store', { timeout: 60_000 }, () => {
  const tmp = tempDir('openum-sip-addr-');
  const data = join(tmp.path, 'data');
  before(async () => { await initData(data, 'um.contoso.test'); });
  after(() => tmp.cleanup());

  it('a file left by an earlier version is moved into the store once', async () => {
    writeFileSync(join(data, 'sip-addresses.json'), JSON.stringify({ addresses: ['127.0.117.61'] }));
    assert.deepEqual((await cliJson<{ sipAddresses: string[] }>(['server', 'get'], { data })).sipAddresses, ['127.0.117.61']);
    assert.equal(existsSync(join(data, 'sip-addresses.json')), false);
    assert.equal(existsSync(join(data, 'sip-addresses.json.imported')), true);
  });

  it('a later stale file does not override what is stored; a damaged one is set aside', async () => {
    writeFileSync(join(data, 'sip-addresses.json'), JSON.stringify({ addresses: ['127.0.117.62'] }));
    assert.deepEqual((await cliJson<{ sipAddresses: string[] }>(['server', 'get'], { data })).sipAddresses, ['127.0.117.61']);
    assert.equal(existsSync(join(data, 'sip-addresses.json.ignored')), true);
    writeFileSync(join(data, 'sip-addresses.json'), '{not json');
    assert.deepEqual((await cliJson<{ sipAddresses: string[] }>(['server', 'get'], { data })).sipAddresses, ['127.0.117.61']);
    assert.equal(existsSync(join(data, 'sip-addresses.json')), false);
  });

  it('server set --sip-address is stored and audited with the value before and after', async () => {
    const r = await cli(['server', 'set', '--sip-address', '127.0.117.63,127.0.117.64'], { data });
    assert.equal(r.code, 0, r.stderr);
    const audit = await cliJson<{ action: string; details: { before?: Record<string, unknown>; after?: Record<string, unknown> } }[]>(['audit', '--action', 'server.set'], { data });
    const entry = audit.find((a) => a.action === 'server.set' && a.details.after?.sip_addresses === JSON.stringify(['127.0.117.63', '127.0.117.64']));
    assert.ok(entry, JSON.stringify(audit.slice(0, 3)));
    assert.equal(entry.details.before?.sip_addresses, JSON.stringify(['127.0.117.61']));
  });
});
