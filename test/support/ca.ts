// A throw-away certificate authority made with the openssl command line, for tests that need
// certificates issued by a real, independent tool.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl } from './run.js';

export interface TestCa {
  dir: string;
  certPath: string;
  keyPath: string;
  /** Signs a PKCS#10 request (PEM file) and returns the certificate PEM path. */
  sign(csrPath: string, options?: { days?: number; startDate?: string; endDate?: string; sans?: string[] }): Promise<string>;
}

let serial = 1000;

export async function makeCa(dir: string, name = 'OpenUM Test Root CA'): Promise<TestCa> {
  const keyPath = join(dir, 'ca.key');
  const certPath = join(dir, 'ca.crt');
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '3650', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return {
    dir, certPath, keyPath,
    async sign(csrPath, options = {}) {
      const out = join(dir, `issued-${++serial}.crt`);
      const ext = join(dir, `ext-${serial}.cnf`);
      const sans = options.sans ?? [];
      writeFileSync(ext, [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth,clientAuth',
        ...(sans.length ? [`subjectAltName=${sans.map((s) => `DNS:${s}`).join(',')}`] : []),
      ].join('\n'));
      await openssl(['x509', '-req', '-in', csrPath, '-CA', certPath, '-CAkey', keyPath, '-set_serial', String(serial),
        '-days', String(options.days ?? 365), '-sha256', '-extfile', ext, '-out', out]);
      return out;
    },
  };
}
