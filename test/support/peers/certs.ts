// A gateway PKI made with the openssl command line for real-peer tests: a CA that both our server's
// imported certificate and the gateway/SBC's certificate chain to, an untrusted second CA, and
// `openssl ca` issuing (exact validity dates: expired / not yet valid certificates).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl } from '../run.js';

export interface IssuedCert {
  cert: string;
  key: string;
  /** cert followed by key (tools that want one file) */
  pem: string;
  cn: string;
}

export interface IssueOpts {
  clientAuth?: boolean;
  serverAuth?: boolean;
  /** validity ended in 2021 */
  expired?: boolean;
  /** validity starts in 2099 */
  notYetValid?: boolean;
  /** explicit dates, YYYYMMDDHHMMSSZ (override expired/notYetValid) */
  start?: string;
  end?: string;
  /** key type: 'rsa' (2048, default: every TLS stack takes it) or 'ec' (P-256) */
  keyType?: 'rsa' | 'ec';
}

export interface CertAuthority {
  name: string;
  cert: string;
  key: string;
  /**
   * Issues a leaf. sans: DNS names and IP addresses (recognised by form); cn is added to the
   * DNS names when sans is empty. Default: serverAuth + clientAuth.
   */
  issue(cn: string, sans?: string[], o?: IssueOpts): Promise<IssuedCert>;
}

export interface GatewayPki {
  dir: string;
  ca: CertAuthority;
  /** another root nobody trusts, for negative tests */
  untrustedCa: CertAuthority;
  /** issued by ca for serverFqdn (+ 127.0.0.1, ::1, localhost), serverAuth + clientAuth: import it into OpenUM */
  server: IssuedCert;
  /** issued by ca for gatewayFqdn, clientAuth + serverAuth: the SBC's certificate */
  gateway: IssuedCert;
}

let seq = 0;
const isIp = (s: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':');

function keyArgs(keyType: 'rsa' | 'ec' | undefined, keyOut: string): string[] {
  return keyType === 'ec'
    ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyOut]
    : ['-newkey', 'rsa:2048', '-nodes', '-keyout', keyOut];
}

/** A new root CA (RSA 2048, 10 years) with an `openssl ca` database in dir. */
export async function makeAuthority(dir: string, name: string): Promise<CertAuthority> {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  const cert = join(dir, 'ca.crt');
  const key = join(dir, 'ca.key');
  await openssl(['req', '-x509', ...keyArgs('rsa', key), '-sha256', '-days', '3650', '-subj', `/CN=${name}`, '-out', cert,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-addext', 'subjectKeyIdentifier=hash']);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), `${(0x1000 + Math.floor(Math.random() * 0xefff)).toString(16)}\n`);
  const cnf = join(dir, 'ca.cnf');
  writeFileSync(cnf, [
    '[ca]', 'default_ca = d', '[d]',
    `database = ${dir}/index.txt`, `new_certs_dir = ${dir}/newcerts`, `serial = ${dir}/serial`,
    `certificate = ${cert}`, `private_key = ${key}`,
    'default_md = sha256', 'default_days = 825', 'policy = p', 'unique_subject = no', 'copy_extensions = none',
    '[p]', 'commonName = supplied', '',
  ].join('\n'));
  return {
    name, cert, key,
    async issue(cn, sans = [], o = {}) {
      const base = join(dir, `leaf${++seq}-${cn.replace(/[^A-Za-z0-9.-]/g, '_')}`);
      const names = sans.length ? sans : [cn];
      const eku = [...(o.serverAuth ?? true ? ['serverAuth'] : []), ...(o.clientAuth ?? true ? ['clientAuth'] : [])];
      const ext = `${base}.ext`;
      writeFileSync(ext, [
        '[leaf]',
        'basicConstraints = critical,CA:FALSE',
        'keyUsage = critical,digitalSignature,keyEncipherment',
        ...(eku.length ? [`extendedKeyUsage = ${eku.join(',')}`] : []),
        `subjectAltName = ${names.map((n) => (isIp(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}`,
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid',
        '',
      ].join('\n'));
      await openssl(['req', '-new', ...keyArgs(o.keyType, `${base}.key`), '-subj', `/CN=${cn}`, '-out', `${base}.csr`]);
      const start = o.start ?? (o.expired ? '20200101000000Z' : o.notYetValid ? '20990101000000Z' : undefined);
      const end = o.end ?? (o.expired ? '20210101000000Z' : o.notYetValid ? '21000101000000Z' : undefined);
      await openssl(['ca', '-batch', '-notext', '-config', cnf, '-in', `${base}.csr`, '-out', `${base}.crt`,
        '-extfile', ext, '-extensions', 'leaf', ...(start ? ['-startdate', start] : []), ...(end ? ['-enddate', end] : [])]);
      writeFileSync(`${base}.pem`, readFileSync(`${base}.crt`, 'utf8') + readFileSync(`${base}.key`, 'utf8'));
      return { cert: `${base}.crt`, key: `${base}.key`, pem: `${base}.pem`, cn };
    },
  };
}

/** CA + untrusted CA + a server certificate for serverFqdn and a gateway (SBC) certificate. */
export async function makeGatewayPki(dir: string, o: { serverFqdn: string; gatewayFqdn: string }): Promise<GatewayPki> {
  const ca = await makeAuthority(join(dir, 'ca'), 'OpenUM Peers Test CA');
  const untrustedCa = await makeAuthority(join(dir, 'untrusted-ca'), 'OpenUM Peers Untrusted CA');
  const server = await ca.issue(o.serverFqdn, [o.serverFqdn, '127.0.0.1', '::1', 'localhost']);
  const gateway = await ca.issue(o.gatewayFqdn, [o.gatewayFqdn]);
  return { dir, ca, untrustedCa, server, gateway };
}
