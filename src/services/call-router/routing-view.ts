// What the Call Router reads to route a call, held in memory and rebuilt on every store change.
import type { DialPlan, HuntGroupRoute, IpGateway, UmUser } from '../../org/organisation-types.js';

export interface RoutingView {
  /** By IP address (gateways addressed by IP, and FQDN gateways through their resolved addresses). */
  gatewayByAddress(ip: string): IpGateway | undefined;
  gatewayByFqdn(fqdn: string): IpGateway | undefined;
  /** Gateways addressed by FQDN, for matching a TLS peer's certificate names. */
  fqdnGateways(): IpGateway[];
  huntGroups(gatewayId: number): HuntGroupRoute[];
  userByExtension(dialPlanId: number, extension: string): UmUser | undefined;
  userBySipUri(uri: string): UmUser | undefined;
  dialPlanById(id: number): DialPlan | undefined;
}
