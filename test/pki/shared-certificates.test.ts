// Nodes sharing one store share its certificates (issue 11, migration 0012), on both engines:
// a certificate made or imported through one node is listed, exported and served by every node;
// `enable` assigns it on every node (UM where a UM service runs, UMCallRouter where a Call Router
// runs, by the node list), checking each node's startup mode and FQDN and naming the node that
// fails; `--node` narrows it; a request made through one node is completed through another;
// `remove` is refused while any node uses it. Migration 0012 merges
// copies of one certificate imported on several nodes before it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { writeHeartbeat, type NodeRoles } from '../../src/org/nodes.js';
import { createServer, setCallRouter, setUmService } from '../../src/org/server-settings.js';
import { listRecords, readAssignments } from '../../src/pki/certificate-repository.js';
import { getCertificate, listCertificates, type PkiContext } from '../../src/pki/context.js';
import { enableCertificate } from '../../src/pki/enable-certificate.js';
import { importCertificate } from '../../src/pki/import-certificate.js';
import { KeyVault } from '../../src/pki/key-vault.js';
import { toPem } from '../../src/pki/pem.js';
import { newCertificate } from '../../src/pki/new-certificate.js';
import { removeCertificate } from '../../src/pki/remove-certificate.js';
import { tlsIdentity } from '../../src/pki/tls-identity.js';
import { openStore, type Store } from '../../src/store/database.js';
import { makeCa } from '../support/ca.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';
import { refused } from '../support/refused.js';

const engines = await storeEngines();
const actor = { name: 'test' };


for (const engine of engines) {
  describe(`certificates shared by the nodes of one store (${engine.name})`, { skip: engine.skip, timeout: 120_000 }, () => {
    const tmp = tempDir('openum-shared-certs-');
    let pg: PgTarget | undefined;
    let store: Store;
    const vault = new KeyVault(randomBytes(32));
    const ctx = (server: string): PkiContext => ({ db: store.db, vault, server, actor });
    const beat = (name: string, roles: NodeRoles) => writeHeartbeat(store.db, {
      name, roles, sipHost: name, umTcp: true, umTls: true, calls: 0, maxCalls: 100, version: 't', pid: 1, state: 'running', startedAt: new Date().toISOString(),
    }, Date.now());
    /** CN a.contoso.test, SAN a, b (and c when `all`). */
    let ab: string;
    let abc: string;
    let wildcard: string;

    before(async () => {
      pg = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pg?.url });
      for (const n of ['a', 'b', 'c']) {
        await createServer(store.db, actor, { name: `node-${n}`, fqdn: `${n}.contoso.test` });
        await setUmService(store.db, actor, `node-${n}`, { startupMode: 'Dual' });
        await setCallRouter(store.db, actor, `node-${n}`, { startupMode: 'Dual' });
      }
      // Node A runs only a Call Router, B and C only a UM service (openum start --roles).
      await beat('node-a', 'callrouter');
      await beat('node-b', 'um');
      await beat('node-c', 'um');
      ab = (await newCertificate(ctx('node-a'), { subject: 'CN=a.contoso.test', domains: ['a.contoso.test', 'b.contoso.test'] })).view.thumbprint;
      abc = (await newCertificate(ctx('node-b'), { subject: 'CN=a.contoso.test', domains: ['a.contoso.test', 'b.contoso.test', 'c.contoso.test'] })).view.thumbprint;
      wildcard = (await newCertificate(ctx('node-c'), { subject: 'CN=*.contoso.test', domains: ['*.contoso.test'] })).view.thumbprint;
    });
    after(async () => {
      await store?.close();
      await pg?.drop();
      tmp.cleanup();
    });

    it('a certificate made through one node is listed, Valid, on every node', async () => {
      for (const n of ['node-a', 'node-b', 'node-c']) {
        const views = await listCertificates(ctx(n));
        assert.deepEqual(views.map((v) => v.thumbprint).sort(), [ab, abc, wildcard].sort(), n);
        assert.ok(views.every((v) => v.status === 'Valid'), `${n}: ${views.map((v) => `${v.status} ${v.statusReason}`).join('; ')}`);
      }
      assert.deepEqual((await listRecords(store.db)).map((r) => r.addedBy), ['node-a', 'node-b', 'node-c']);
    });

    it('refuses UM/UMCallRouter on every node when a node FQDN is not named, naming that node; a wildcard names none', async () => {
      await refused(enableCertificate(ctx('node-a'), ab, ['UM', 'UMCallRouter']), 'FQDN_MISMATCH',
        /for UM on node-c: its names \(CN "a\.contoso\.test"; SAN a\.contoso\.test, b\.contoso\.test\) do not include node-c's FQDN c\.contoso\.test/);
      await refused(enableCertificate(ctx('node-a'), wildcard, ['UMCallRouter']), 'FQDN_MISMATCH', /on node-a: .*a wildcard names no SIP server/);
      for (const n of ['node-a', 'node-b', 'node-c']) assert.equal((await readAssignments(store.db, n)).size, 0, `${n}: nothing written`);
    });

    it('enables on every node: UMCallRouter where a Call Router runs, UM where a UM service runs, served by each', async () => {
      const view = await enableCertificate(ctx('node-c'), abc, ['UM', 'UMCallRouter']);
      assert.deepEqual(view.nodes, [
        { node: 'node-a', services: ['UMCallRouter'], defaultFor: [] },
        { node: 'node-b', services: ['UM'], defaultFor: [] },
        { node: 'node-c', services: ['UM'], defaultFor: [] },
      ]);
      assert.deepEqual(view.services, ['UM'], "the view's own services are node-c's");
      assert.equal((await tlsIdentity(store.db, vault, 'node-a', 'UMCallRouter'))?.thumbprint, abc);
      assert.equal((await tlsIdentity(store.db, vault, 'node-b', 'UM'))?.thumbprint, abc);
      assert.equal((await tlsIdentity(store.db, vault, 'node-c', 'UM'))?.thumbprint, abc);
      assert.equal(await tlsIdentity(store.db, vault, 'node-b', 'UMCallRouter'), undefined, 'node-b runs no Call Router');
    });

    it('--node narrows it to the nodes named, checked against their FQDN and startup mode', async () => {
      const view = await enableCertificate(ctx('node-c'), ab, ['UMCallRouter', 'UM'], { nodes: ['node-b'] });
      assert.deepEqual(view.nodes.find((n) => n.node === 'node-b'), { node: 'node-b', services: ['UM', 'UMCallRouter'], defaultFor: [] });
      assert.equal((await tlsIdentity(store.db, vault, 'node-c', 'UM'))?.thumbprint, abc, 'node-c keeps its certificate');
      await refused(enableCertificate(ctx('node-a'), ab, ['UM'], { nodes: ['node-c'] }), 'FQDN_MISMATCH', /node-c's FQDN c\.contoso\.test/);
      await refused(enableCertificate(ctx('node-a'), ab, ['UM'], { nodes: ['node-z'] }), 'NODE_NOT_FOUND', /no node named "node-z"/);
      await setUmService(store.db, actor, 'node-a', { startupMode: 'TCP' });
      await refused(enableCertificate(ctx('node-b'), abc, ['UM'], { nodes: ['node-a'] }), 'STARTUP_MODE_TCP', /for UM on node-a: the UM service startup mode of node-a is TCP/);
    });

    it('a request made through one node is completed by the certificate imported through another', async () => {
      const { view, request } = await newCertificate(ctx('node-b'), { subject: 'CN=b.contoso.test', request: true });
      assert.ok(request);
      const csr = join(tmp.path, `b-${engine.name}.csr`);
      writeFileSync(csr, toPem('CERTIFICATE REQUEST', request));
      const ca = await makeCa(tmp.path);
      const issued = await ca.sign(csr, { sans: ['b.contoso.test'] });
      const r = await importCertificate(ctx('node-a'), readFileSync(issued));
      assert.equal(r.completedRequest, view.thumbprint);
      assert.equal(r.view.hasPrivateKey, true, 'the key made with the request on node-b');
      assert.equal((await getCertificate(ctx('node-c'), r.view.thumbprint)).kind, 'certificate');
    });

    it('is removed only once no node uses it; removing it removes it for every node', async () => {
      await refused(removeCertificate(ctx('node-a'), abc), 'CERTIFICATE_IN_USE', /cannot remove [0-9A-F]+: UMCallRouter on node-a; UM on node-c use it; enable another certificate for those services first/);
      await removeCertificate(ctx('node-a'), wildcard);
      await assert.rejects(getCertificate(ctx('node-b'), wildcard), /no certificate or request with thumbprint .* in the store/);
    });
  });

  describe(`migration 0012 merges copies of one certificate (${engine.name})`, { skip: engine.skip }, () => {
    const tmp = tempDir('openum-m0012-');
    let pg: PgTarget | undefined;
    after(async () => {
      await pg?.drop();
      tmp.cleanup();
    });

    it('keeps the copy with a private key, and the thumbprint is unique afterwards', async () => {
      pg = await engine.target();
      const old = await openStore({ dataDir: tmp.path, databaseUrl: pg?.url, migrateTo: '0010-delivery-claims' });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = old.db as unknown as Kysely<any>;
      const now = new Date().toISOString();
      for (const n of ['a', 'b']) await createServer(old.db, actor, { name: `node-${n}`, fqdn: `${n}.contoso.test` });
      const row = (server: string, key: Buffer | null, thumbprint = 'AB'.repeat(20)) => db.insertInto('certificates').values({
        server_name: server, thumbprint, kind: 'certificate', der: Buffer.from('der'), chain: '[]', private_key: key, exportable: 0,
        friendly_name: server, origin: 'import', created_at: now, updated_at: now,
      }).execute();
      await row('node-a', null);
      await row('node-b', Buffer.from('sealed'));
      await row('node-a', null, 'CD'.repeat(20));
      await old.close();
      const store = await openStore({ dataDir: tmp.path, databaseUrl: pg?.url });
      try {
        const rows = await store.db.selectFrom('certificates').select(['thumbprint', 'server_name', 'private_key']).orderBy('thumbprint').execute();
        assert.deepEqual(rows.map((r) => [r.thumbprint, r.server_name, r.private_key ? 'key' : 'none']), [['AB'.repeat(20), 'node-b', 'key'], ['CD'.repeat(20), 'node-a', 'none']]);
        await assert.rejects(store.db.insertInto('certificates').values({
          server_name: 'node-a', thumbprint: 'CD'.repeat(20), kind: 'certificate', der: Buffer.from('der'), chain: '[]', private_key: null, exportable: 0,
          friendly_name: 'again', origin: 'import', created_at: now, updated_at: now,
        }).execute(), /unique|UNIQUE/);
      } finally {
        await store.close();
      }
    });
  });
}
