// Reads and checks the request of `openum integrate sip-server` / POST /api/integrations/sip-server
// before anything is changed: a refusal here leaves the store as it was. Every message names the
// fix in the caller's words (CLI flags or API fields).
import type { Kysely } from 'kysely';
import { OpenUmError } from '../../errors.js';
import { normaliseFqdn, normaliseIp } from '../../org/addresses.js';
import { getDialPlan, listDialPlans } from '../../org/dial-plans.js';
import type { DialPlan } from '../../org/organisation-types.js';
import { parseIntIn } from '../../org/values.js';
import { readRootCertificates } from '../../pki/trust-store.js';
import type { CertificateInfo } from '../../pki/types.js';
import type { Database } from '../../store/schema.js';
import { SIP_SERVER_KINDS, type SipServerKind } from './sip-server-types.js';

export interface SipServerInput {
  fqdn: string;
  kind: string;
  /** the SIP server's CA certificate(s), PEM/DER/PKCS#7 bytes */
  ca?: Buffer;
  dialPlan?: string;
  /** the IP address the SIP server listens on (for the printed configuration) */
  address?: string;
  /** the SIP server's TLS port, where OpenUM reaches it (the UM IP gateway's port) */
  port?: string | number;
}

export interface SipServerRequest {
  kind: SipServerKind;
  fqdn: string;
  address: string | null;
  port: number | undefined;
  roots: { info: CertificateInfo; der: Buffer }[];
  dialPlans: DialPlan[];
}

const kindList = SIP_SERVER_KINDS.join(', ');

export function parseKind(text: string): SipServerKind {
  const kind = SIP_SERVER_KINDS.find((k) => k === text.trim().toLowerCase());
  if (!kind) {
    throw new OpenUmError('BAD_ARGUMENT', `the SIP server kind "${text}" is not one of ${kindList}`, {
      cli: `; give --kind ${SIP_SERVER_KINDS.join('|')} (generic prints a plain description for any other SIP server)`,
      api: `; give kind: one of ${kindList} (generic describes the trunk for any other SIP server)`,
    });
  }
  return kind;
}

/** A DNS name with at least two labels: mutual TLS names the SIP server by the FQDN in its certificate. */
export function parseServerFqdn(text: string): string {
  const fqdn = normaliseIp(text) === undefined ? normaliseFqdn(text) : undefined;
  if (fqdn === undefined || !fqdn.includes('.')) {
    throw new OpenUmError('BAD_ARGUMENT',
      `"${text}" is not the fully qualified domain name of a SIP server: mutual TLS identifies it by the FQDN in its certificate, so an IP address or a single label will not do`, {
        cli: '; give --fqdn with the pool or server name, e.g. --fqdn pool.contoso.com',
        api: '; give fqdn with the pool or server name, e.g. "pool.contoso.com"',
      });
  }
  return fqdn;
}

function parseListenAddress(text: string): string {
  const ip = normaliseIp(text);
  if (ip === undefined) {
    throw new OpenUmError('BAD_ARGUMENT', `"${text}" is not an IP address; it is where the SIP server listens, for the printed configuration`, {
      cli: '; give --address 192.0.2.10 (or leave it out for a placeholder)',
      api: '; give address: "192.0.2.10" (or leave it out for a placeholder)',
    });
  }
  return ip;
}

/** The SIP URI dial plans the hunt groups go on: the one named, else every SipName plan. */
async function targetPlans(db: Kysely<Database>, name: string | undefined): Promise<DialPlan[]> {
  if (name !== undefined) {
    const plan = await getDialPlan(db, name);
    if (plan.uriType !== 'SipName') {
      throw new OpenUmError('BAD_SETTING',
        `the dial plan "${plan.name}" has URI type ${plan.uriType}, but a SIP server's users are called by SIP URI, so its hunt group belongs on a SipName dial plan`, {
          cli: `; name one with --dial-plan, or make one with 'openum dialplan new NAME --uri-type SipName --security SIPSecured'`,
          api: '; name one in dialPlan, or make one with POST /api/dialplans { uriType: "SipName", voipSecurity: "SIPSecured" }',
        });
    }
    return [plan];
  }
  const plans = (await listDialPlans(db)).filter((p) => p.uriType === 'SipName');
  if (plans.length === 0) {
    throw new OpenUmError('DIAL_PLAN_NOT_FOUND', 'no dial plan has URI type SipName (SIP URI), so there is none for the SIP server\'s hunt group', {
      cli: "; make one with 'openum dialplan new NAME --uri-type SipName --security SIPSecured', or name another with --dial-plan",
      api: '; make one with POST /api/dialplans { name, uriType: "SipName", voipSecurity: "SIPSecured" }, or name another in dialPlan',
    });
  }
  return plans;
}

export async function readSipServerRequest(db: Kysely<Database>, input: SipServerInput): Promise<SipServerRequest> {
  const kind = parseKind(input.kind);
  const fqdn = parseServerFqdn(input.fqdn);
  const address = input.address === undefined || input.address === '' ? null : parseListenAddress(input.address);
  const port = input.port === undefined ? undefined : parseIntIn(input.port, 'the SIP server TLS port', 1, 65535);
  const roots = input.ca === undefined ? [] : readRootCertificates(input.ca);
  const dialPlans = await targetPlans(db, input.dialPlan);
  return { kind, fqdn, address, port, roots, dialPlans };
}
