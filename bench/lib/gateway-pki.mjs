// A throw-away CA and a gateway's client certificate (mutual TLS) made with openssl, for the
// benchmarks that call OpenUM over TLS as a gateway: OpenUM trusts the CA (`openum trust add`) and
// knows the gateway by the certificate's name (`openum gateway new --address FQDN`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files in dir: ca.crt, gw.crt, gw.key for `fqdn`. Returns their paths. */
export function gatewayPki(dir, fqdn) {
  mkdirSync(dir, { recursive: true });
  const o = (a) => {
    const r = spawnSync('openssl', a, { encoding: 'utf8', timeout: 60_000, cwd: dir });
    if (r.status !== 0) throw new Error(`openssl ${a[0]}: ${(r.stderr || String(r.error)).trim().slice(-400)}`);
  };
  o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=OpenUM bench CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  writeFileSync(join(dir, 'gw.ext'), `subjectAltName=DNS:${fqdn}\nextendedKeyUsage=clientAuth,serverAuth\nbasicConstraints=CA:FALSE\n`);
  o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'gw.key', '-out', 'gw.csr', '-subj', `/CN=${fqdn}`]);
  o(['x509', '-req', '-in', 'gw.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-extfile', 'gw.ext', '-out', 'gw.crt']);
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'gw.crt'), key: join(dir, 'gw.key') };
}
