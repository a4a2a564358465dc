// What every SIP role reads to route a call, held in memory and rebuilt on every store change
// (routing-cache.ts). Tests give a fake of it to classify.ts.
import type { DialPlan, HuntGroupRoute, IpGateway, UmUser } from '../../org/organisation-types.js';

/**
 * An auto attendant as routing sees it (Exchange's UMAutoAttendant: pilot numbers in a dial plan,
 * enabled or disabled). Numbers are normalised like a dial plan's access numbers: +digits,
 * digits, or sip:user@host.
 */
export interface AutoAttendantRoute {
  id: number;
  name: string;
  dialPlanId: number;
  enabled: boolean;
  numbers: string[];
}

export interface RoutingView {
  /** By IP address (gateways addressed by IP, and FQDN gateways through their resolved addresses). */
  gatewayByAddress(ip: string): IpGateway | undefined;
  gatewayByFqdn(fqdn: string): IpGateway | undefined;
  gatewayById(id: number): IpGateway | undefined;
  /** Gateways addressed by FQDN, for matching a TLS peer's certificate names. */
  fqdnGateways(): IpGateway[];
  huntGroups(gatewayId: number): HuntGroupRoute[];
  userByExtension(dialPlanId: number, extension: string): UmUser | undefined;
  userBySipUri(uri: string): UmUser | undefined;
  userById(id: number): UmUser | undefined;
  dialPlanById(id: number): DialPlan | undefined;
  /** The auto attendants of a dial plan, enabled or not. */
  autoAttendants(dialPlanId: number): AutoAttendantRoute[];
  autoAttendantById(id: number): AutoAttendantRoute | undefined;
}
