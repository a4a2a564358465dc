// The transport compliance suite over TLS (IPv4 and IPv6).
import { after, before } from 'node:test';
import { complianceSuite } from './compliance.js';
import { makeCerts, type TestCerts } from './harness.js';
import { tempDir } from '../../support/run.js';

const tmp = tempDir();
let certs: TestCerts | undefined;
before(async () => { certs = await makeCerts(tmp.path); });
after(() => tmp.cleanup());
complianceSuite('tls', () => certs);
