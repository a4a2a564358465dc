// The store on both engines: SQLite (always) and PostgreSQL (required in CI, skipped elsewhere
// when none runs). The same operations, the same answers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OpenUmError } from '../../src/errors.js';
import { getServer, setCallRouter, setUmService } from '../../src/org/server-settings.js';
import { getCertificate, listCertificates } from '../../src/pki/context.js';
import { enableCertificate } from '../../src/pki/enable-certificate.js';
import { importCertificate } from '../../src/pki/import-certificate.js';
import { KeyVault, verifyVault } from '../../src/pki/key-vault.js';
import { newCertificate } from '../../src/pki/new-certificate.js';
import { toPem } from '../../src/pki/pem.js';
import { removeCertificate } from '../../src/pki/remove-certificate.js';
import { addTrustedRoots, listTrustedRoots } from '../../src/pki/trust-store.js';
import { initialiseNode } from '../../src/services/install.js';
import { openNode, pkiContext, type OpenNode } from '../../src/services/node.js';
import { readAudit } from '../../src/store/audit.js';
import { openStore } from '../../src/store/database.js';
import { readRevision } from '../../src/store/revision.js';
import { makeCa } from '../support/ca.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';

const engines = await storeEngines();

for (const engine of engines) {
  describe(`store on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let node: OpenNode;
    const actor = { name: 'test' };

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      node = await openNode({ dataDir: tmp.path, databaseUrl: pgTarget?.url, actor });
      await initialiseNode(node, { name: 'um1', fqdn: 'um1.contoso.com' });
    });
    after(async () => {
      await node?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    it('migrates idempotently and reopens with the same data', async () => {
      const again = await openNode({ dataDir: tmp.path, databaseUrl: pgTarget?.url, actor });
      try {
        assert.equal(again.serverName, 'um1');
        assert.equal((await getServer(again.store.db, 'um1')).fqdn, 'um1.contoso.com');
      } finally {
        await again.close();
      }
    });

    it('initialises the server with the seeds defaults and the install certificate on IIS and SMTP', async () => {
      const s = await getServer(node.store.db, 'um1');
      assert.equal(s.umService.startupMode, 'TCP');
      assert.equal(s.callRouter.startupMode, 'TCP');
      assert.deepEqual([s.callRouter.sipTcpPort, s.callRouter.sipTlsPort], [5060, 5061]);
      assert.deepEqual([s.umService.sipTcpPort, s.umService.sipTlsPort], [5062, 5063]);
      const certs = await listCertificates(pkiContext(node));
      assert.equal(certs.length, 1);
      assert.deepEqual(certs[0]?.services, ['IIS', 'SMTP']);
      assert.equal(certs[0]?.status, 'Valid');
      assert.equal(certs[0]?.subject, 'CN=um1.contoso.com');
    });

    it('bumps the revision and writes an audit entry for each change, and refuses the fixed UM ports', async () => {
      const before = await readRevision(node.store.db);
      await setCallRouter(node.store.db, actor, 'um1', { sipTcpPort: 5070, sipTlsPort: 5071 });
      assert.equal(await readRevision(node.store.db), before + 1);
      const [last] = await readAudit(node.store.db, { limit: 1 });
      assert.equal(last?.action, 'callrouter.set');
      assert.deepEqual(last?.details.after, { cr_sip_tcp_port: 5070, cr_sip_tls_port: 5071 });
      await assert.rejects(setUmService(node.store.db, actor, 'um1', { sipTcpPort: 6000 }),
        (e: unknown) => e instanceof OpenUmError && e.code === 'PORT_NOT_CHANGEABLE' && /cannot be changed/.test(e.message));
      assert.equal(await readRevision(node.store.db), before + 1, 'a refused change writes nothing');
      await setCallRouter(node.store.db, actor, 'um1', { sipTcpPort: 5060, sipTlsPort: 5061 });
    });

    it('stores a request, completes it with the CA-issued certificate, and enables it', async () => {
      const ctx = pkiContext(node);
      const { view, request } = await newCertificate(ctx, { subject: 'O=Contoso,CN=um1.contoso.com', request: true });
      assert.equal(view.status, 'PendingRequest');
      assert.ok(request);
      const ca = await makeCa(tmp.path, `Store CA ${engine.name}`);
      const csrPath = join(tmp.path, `req-${engine.name}.pem`);
      writeFileSync(csrPath, toPem('CERTIFICATE REQUEST', request));
      const issued = readFileSync(await ca.sign(csrPath, { sans: ['um1.contoso.com'] }));
      await addTrustedRoots(node.store.db, actor, readFileSync(ca.certPath));
      assert.equal((await listTrustedRoots(node.store.db)).length, 1);
      const imported = await importCertificate(ctx, issued);
      assert.equal(imported.completedRequest, view.thumbprint);
      assert.equal(imported.view.status, 'Valid');
      assert.equal(imported.view.hasPrivateKey, true);
      await setUmService(node.store.db, actor, 'um1', { startupMode: 'Dual' });
      const enabled = await enableCertificate(ctx, imported.view.thumbprint, ['UM']);
      assert.deepEqual(enabled.services, ['UM']);
      await assert.rejects(removeCertificate(ctx, imported.view.thumbprint), (e: unknown) => e instanceof OpenUmError && e.code === 'CERTIFICATE_IN_USE');
      assert.equal((await getCertificate(ctx, imported.view.thumbprint)).thumbprint, imported.view.thumbprint);
    });

    it('serialises concurrent writers without losing a change', async () => {
      const before = await readRevision(node.store.db);
      await Promise.all(Array.from({ length: 10 }, (_, i) => setUmService(node.store.db, actor, 'um1', { maxCallsAllowed: 100 + i })));
      assert.equal(await readRevision(node.store.db), before + 10);
    });

    it('refuses a master key that is not the store’s', async () => {
      const store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      try {
        await assert.rejects(verifyVault(store.db, new KeyVault(randomBytes(32)), 'test key'),
          (e: unknown) => e instanceof OpenUmError && e.code === 'MASTER_KEY_MISMATCH');
      } finally {
        await store.close();
      }
    });
  });
}
