// Verifies a TLS peer (gateway, IP PBX, SBC, SIP server) the way the Call Router needs it: the
// chain must reach a root in the administrator's trust list (`openum trust add`), not be revoked,
// expired or otherwise invalid, and the certificate must name the gateway's FQDN in its subject CN
// or SAN (RFC 5922 §7.1). Kamailio checks the CA only; we check the name too.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { describeCertificate } from '../../pki/describe.js';
import { computeStatus } from '../../pki/status.js';
import { loadTrustMaterial, type TrustMaterial } from '../../pki/trust-store.js';
import type { PeerCertificate } from '../../sip/transport/types.js';
import type { Database } from '../../store/schema.js';

export interface PeerIdentity {
  ok: boolean;
  /** Why it was refused (for the log and the reason phrase). */
  reason: string;
  /** DNS names the certificate vouches for: SAN dNSNames, else the subject CN. */
  names: string[];
  subject: string;
}

export class PeerVerifier {
  #trust: TrustMaterial | undefined;
  readonly #db: Kysely<Database>;
  readonly #cache = new Map<string, { identity: PeerIdentity; until: number }>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async reload(): Promise<void> {
    this.#trust = await loadTrustMaterial(this.#db);
    this.#cache.clear();
  }

  verify(peer: PeerCertificate | undefined): PeerIdentity {
    if (!peer) return { ok: false, reason: 'the peer presented no certificate', names: [], subject: '' };
    // One handshake per connection, but many connections from one gateway: cache the verdict for
    // a minute (a reload on any store change clears it; expiry is re-checked after the minute).
    const key = createHash('sha1').update(peer.der).update(String(peer.chain.length)).digest('hex');
    const hit = this.#cache.get(key);
    if (hit && hit.until > Date.now()) return hit.identity;
    const trust = this.#trust ?? { roots: [], peerRoots: [], crls: [] };
    let subject: string;
    let names: string[];
    try {
      const info = describeCertificate(peer.der);
      subject = info.subject;
      names = (info.domains.length ? info.domains : [info.commonName]).filter(Boolean).map((n) => n.toLowerCase());
      if (info.commonName && !names.includes(info.commonName.toLowerCase())) names.push(info.commonName.toLowerCase());
    } catch {
      return { ok: false, reason: 'the peer certificate cannot be read', names: [], subject: '' };
    }
    const status = computeStatus({ certificate: peer.der, intermediates: peer.chain, trustedRoots: trust.peerRoots, crls: trust.crls });
    const result: PeerIdentity = status.status === 'Valid'
      ? { ok: true, reason: 'valid', names, subject }
      : { ok: false, reason: `peer certificate ${status.status}: ${status.reason}`, names, subject };
    if (this.#cache.size > 1000) this.#cache.clear();
    this.#cache.set(key, { identity: result, until: Date.now() + 60_000 });
    return result;
  }
}

/** RFC 6125-style match of a presented name against the gateway FQDN (one left-most wildcard label). */
export function nameMatches(presented: string, fqdn: string): boolean {
  const p = presented.toLowerCase();
  const f = fqdn.toLowerCase();
  if (p === f) return true;
  if (p.startsWith('*.')) {
    const rest = p.slice(1);
    return f.endsWith(rest) && !f.slice(0, f.length - rest.length).includes('.');
  }
  return false;
}
