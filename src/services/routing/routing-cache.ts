// The routing view the SIP roles read on every INVITE: the organisation snapshot from the store,
// the auto attendants (auto-attendant-source.ts), plus the addresses that gateways known by FQDN
// resolve to (so a TCP/UDP call from such a gateway is recognised by its source address). Rebuilt
// on every store change; every role (Call Router, UM service, worker) holds one.
import { lookup } from 'node:dns/promises';
import type { Kysely } from 'kysely';
import { gatewayForAddress, gatewayForFqdn, loadRoutingSnapshot, type RoutingSnapshot } from '../../org/routing-snapshot.js';
import type { IpGateway, UmUser } from '../../org/organisation-types.js';
import type { Database } from '../../store/schema.js';
import { loadAutoAttendants, type AutoAttendantLoader } from './auto-attendant-source.js';
import type { AutoAttendantRoute, RoutingView } from './routing-view.js';

export class RoutingCache implements RoutingView {
  readonly #db: Kysely<Database>;
  readonly #loadAutoAttendants: AutoAttendantLoader;
  #snapshot: RoutingSnapshot | undefined;
  #resolved = new Map<string, IpGateway>();
  #fqdnGateways: IpGateway[] = [];
  #userById = new Map<number, UmUser>();
  #attendantsByPlan = new Map<number, AutoAttendantRoute[]>();
  #attendantById = new Map<number, AutoAttendantRoute>();

  constructor(db: Kysely<Database>, options: { autoAttendants?: AutoAttendantLoader } = {}) {
    this.#db = db;
    this.#loadAutoAttendants = options.autoAttendants ?? loadAutoAttendants;
  }

  async reload(): Promise<void> {
    const [snapshot, attendants] = await Promise.all([loadRoutingSnapshot(this.#db), this.#loadAutoAttendants(this.#db)]);
    const fqdnGateways = snapshot.gateways.filter((g) => g.addressKind === 'fqdn');
    const resolved = new Map<string, IpGateway>();
    await Promise.all(fqdnGateways.map(async (g) => {
      try {
        for (const a of await lookup(g.address, { all: true })) resolved.set(a.address, g);
      } catch {
        // Unresolvable now: the gateway can still be recognised over TLS by its certificate.
      }
    }));
    const byPlan = new Map<number, AutoAttendantRoute[]>();
    for (const a of attendants) byPlan.set(a.dialPlanId, [...(byPlan.get(a.dialPlanId) ?? []), a]);
    this.#snapshot = snapshot;
    this.#resolved = resolved;
    this.#fqdnGateways = fqdnGateways;
    this.#userById = new Map(snapshot.users.map((u) => [u.id, u]));
    this.#attendantsByPlan = byPlan;
    this.#attendantById = new Map(attendants.map((a) => [a.id, a]));
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

  gatewayById(id: number): IpGateway | undefined {
    return this.#snapshot?.gatewayById.get(id);
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

  userById(id: number): UmUser | undefined {
    return this.#userById.get(id);
  }

  dialPlanById(id: number) {
    return this.#snapshot?.dialPlanById.get(id);
  }

  autoAttendants(dialPlanId: number): AutoAttendantRoute[] {
    return this.#attendantsByPlan.get(dialPlanId) ?? [];
  }

  autoAttendantById(id: number): AutoAttendantRoute | undefined {
    return this.#attendantById.get(id);
  }
}
