// An `openssl ca` certificate authority for tests that need exact validity dates (OpenSSL 3.0
// `x509 -req` has no -not_before/-not_after), chosen extensions, serials, revocation and CRLs.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrl } from '../../src/pki/crl.js';
import { makeCa } from './ca.js';
import { openssl } from './run.js';

export interface Issued { path: string; keyPath: string; der: Buffer; serial: string }
/** ext: a section of the CA config (both_ext, server_ext, ca_ext, noca_ext); start/end: YYYYMMDDHHMMSSZ. */
export interface IssueOptions { ext?: string; start?: string; end?: string; serial?: string; keyPath?: string }
export interface CaHandle {
  der: Buffer;
  certPath: string;
  issue(cn: string, o?: IssueOptions): Promise<Issued>;
  revoke(c: Issued): Promise<void>;
  crl(): Promise<Buffer>;
}

export const certDer = (path: string): Buffer => Buffer.from(new X509Certificate(readFileSync(path)).raw);
let seq = 0;

/** An `openssl ca` directory around an existing CA certificate and key. */
export function caHandle(dir: string, certPath: string, keyPath: string): CaHandle {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  const cnf = join(dir, 'ca.cnf');
  writeFileSync(cnf, `[ca]\ndefault_ca = d\n[d]\ndatabase = ${dir}/index.txt\nnew_certs_dir = ${dir}/newcerts
serial = ${dir}/serial\ncrlnumber = ${dir}/crlnumber\ncertificate = ${certPath}\nprivate_key = ${keyPath}
default_md = sha256\ndefault_days = 365\ndefault_crl_days = 30\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied
[both_ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature,keyEncipherment\nextendedKeyUsage = serverAuth,clientAuth
[server_ext]\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth
[ca_ext]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid
[noca_ext]\nbasicConstraints = CA:FALSE\n`);
  return {
    der: certDer(certPath),
    certPath,
    async issue(cn, o = {}) {
      const base = join(dir, `c${++seq}`);
      const keyPath = o.keyPath ?? `${base}.key`;
      const keyArgs = o.keyPath ? ['-key', o.keyPath] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath];
      await openssl(['req', '-new', ...keyArgs, '-subj', `/CN=${cn}`, '-out', `${base}.csr`]);
      if (o.serial) writeFileSync(join(dir, 'serial'), `${o.serial}\n`);
      await openssl(['ca', '-batch', '-notext', '-config', cnf, '-in', `${base}.csr`, '-out', `${base}.crt`,
        '-extensions', o.ext ?? 'both_ext', ...(o.start ? ['-startdate', o.start] : []), ...(o.end ? ['-enddate', o.end] : [])]);
      const x = new X509Certificate(readFileSync(`${base}.crt`));
      return { path: `${base}.crt`, keyPath, der: Buffer.from(x.raw), serial: x.serialNumber.replace(/^0+(?=.)/, '') };
    },
    async revoke(c) {
      await openssl(['ca', '-config', cnf, '-revoke', c.path]);
    },
    async crl() {
      const out = join(dir, `crl${++seq}.pem`);
      await openssl(['ca', '-config', cnf, '-gencrl', '-out', out]);
      return parseCrl(readFileSync(out)).der;
    },
  };
}

/** A new root CA (RSA 2048, 10 years) in dir; extra: openssl req arguments replacing the default CA extensions. */
export async function rootCa(dir: string, name: string, extra: string[] = []): Promise<CaHandle> {
  mkdirSync(dir, { recursive: true });
  if (!extra.length) {
    const ca = await makeCa(dir, name);
    return caHandle(dir, ca.certPath, ca.keyPath);
  }
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/ca.key`, '-out', `${dir}/ca.crt`,
    '-days', '3650', '-subj', `/CN=${name}`, ...extra]);
  return caHandle(dir, `${dir}/ca.crt`, `${dir}/ca.key`);
}
