// The routing view the SIP roles read on every INVITE: the organisation snapshot from the store,
// plus the addresses that gateways known by FQDN resolve to (so a TCP/UDP call from such a
// gateway is recognised by its source address). Rebuilt on every store change.
import { lookup } from 'node:dns/promises';
import type { Kysely } from 'kysely';
import { gatewayForAddress, gatewayForFqdn, loadRoutingSnapshot, type RoutingSnapshot } from '../../org/routing-snapshot.js';
import type { IpGateway } from '../../org/organisation-types.js';
import type { Database } from '../../store/schema.js';
import type { RoutingView } from './routing-view.js';

export class RoutingCache implements RoutingView {
  readonly #db: Kysely<Database>;
  #snapshot: RoutingSnapshot | undefined;
  #resolved = new Map<string, IpGateway>();
  #fqdnGateways: IpGateway[] = [];

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async reload(): Promise<void> {
    const snapshot = await loadRoutingSnapshot(this.#db);
    const fqdnGateways = snapshot.gateways.filter((g) => g.addressKind === 'fqdn');
    const resolved = new Map<string, IpGateway>();
    await Promise.all(fqdnGateways.map(async (g) => {
      try {
        for (const a of await lookup(g.address, { all: true })) resolved.set(a.address, g);
      } catch {
        // Unresolvable now: the gateway can still be recognised over TLS by its certificate.
      }
    }));
    this.#snapshot = snapshot;
    this.#resolved = resolved;
    this.#fqdnGateways = fqdnGateways;
  }

  get snapshot(): RoutingSnapshot | undefined {
    return this.#snapshot;
  }

  gatewayByAddress(ip: string): IpGateway | undefined {
    if (!this.#snapshot) return undefined;
    return gatewayForAddress(this.#snapshot, ip) ?? this.#resolved.get(ip);
  }

  gatewayByFqdn(fqdn: string): IpGateway | undefined {
    return this.#snapshot ? gatewayForFqdn(this.#snapshot, fqdn) : undefined;
  }

  fqdnGateways(): IpGateway[] {
    return this.#fqdnGateways;
  }

  huntGroups(gatewayId: number) {
    return this.#snapshot?.huntGroupsByGateway.get(gatewayId) ?? [];
  }

  userByExtension(dialPlanId: number, extension: string) {
    return this.#snapshot?.userByExtension.get(dialPlanId)?.get(extension);
  }

  userBySipUri(uri: string) {
    return this.#snapshot?.userBySipUri.get(uri.replace(/^sips?:/i, '').toLowerCase());
  }

  dialPlanById(id: number) {
    return this.#snapshot?.dialPlanById.get(id);
  }
}
