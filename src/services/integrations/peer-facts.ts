// The facts a SIP server's configuration is printed from, read from the store: where the Call
// Router listens for TLS, the pilot (subscriber access) and auto attendant numbers of the SIP URI
// dial plans, and the domain of the users' SIP URIs (the Diversion header names the called user).
import type { Kysely } from 'kysely';
import { listAutoAttendants } from '../../org/auto-attendant-read.js';
import type { IpGateway } from '../../org/organisation-types.js';
import type { ServerSettings } from '../../org/server-settings.js';
import { listUsers } from '../../org/users.js';
import type { Database } from '../../store/schema.js';
import type { SipServerRequest } from './sip-server-input.js';
import type { PeerFacts, RoutedNumber } from './sip-server-types.js';

/** "sip:um@contoso.com" → "um"; numbers as they are. */
const userPart = (n: string): string => n.startsWith('sip:') ? n.slice(4).split('@')[0] ?? n : n;

/** A stored SIP address the SIP server can reach, else the FQDN (resolved by the SIP server's DNS). */
function callRouterHost(server: ServerSettings): string {
  const specific = server.sipAddressesStored ? server.sipAddresses.find((a) => a !== '0.0.0.0' && a !== '::') : undefined;
  return specific ?? server.fqdn;
}

/** The most common domain of the users' SIP URIs (a SIP server serves one domain, as a rule). */
function commonDomain(uris: string[]): string | null {
  const count = new Map<string, number>();
  for (const u of uris) {
    const d = u.split('@')[1];
    if (d) count.set(d, (count.get(d) ?? 0) + 1);
  }
  return [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

export async function peerFacts(db: Kysely<Database>, req: SipServerRequest, server: ServerSettings, gateway: IpGateway): Promise<PeerFacts> {
  const numbers: RoutedNumber[] = [];
  const uris: string[] = [];
  for (const plan of req.dialPlans) {
    for (const n of plan.accessNumbers) numbers.push({ number: userPart(n), kind: 'subscriber-access', name: plan.name, dialPlan: plan.name });
    for (const aa of await listAutoAttendants(db, { dialPlan: plan.name })) {
      if (!aa.enabled) continue;
      for (const n of aa.numbers) numbers.push({ number: userPart(n), kind: 'auto-attendant', name: aa.name, dialPlan: plan.name });
    }
    for (const u of await listUsers(db, { dialPlan: plan.name })) if (u.sipUri) uris.push(u.sipUri);
  }
  return {
    kind: req.kind,
    fqdn: req.fqdn,
    listen: { address: req.address, tlsPort: gateway.port },
    callRouter: { host: callRouterHost(server), tlsPort: server.callRouter.sipTlsPort, fqdn: server.fqdn },
    sipDomain: commonDomain(uris),
    numbers,
    voiceMailPilot: numbers.find((n) => n.kind === 'subscriber-access')?.number ?? null,
    dialPlans: req.dialPlans.map((p) => ({ name: p.name, voipSecurity: p.voipSecurity })),
  };
}
