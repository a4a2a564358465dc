// What mutual TLS between a SIP server and OpenUM needs, checked and reported; nothing is changed
// here (seeds: the startup mode and the certificates are the administrator's decisions). Each
// failed check names the command, or the API call, that fixes it.
import type { Kysely } from 'kysely';
import type { DialPlan } from '../../org/organisation-types.js';
import type { ServerSettings } from '../../org/server-settings.js';
import { usesTls } from '../../org/startup-mode.js';
import { buildViews, effectiveServices } from '../../pki/certificate-view.js';
import { readAssignments } from '../../pki/certificate-repository.js';
import { listTrustedRoots, loadTrustMaterial } from '../../pki/trust-store.js';
import type { Database } from '../../store/schema.js';

export interface CheckResult {
  what: string;
  ok: boolean;
  detail: string;
  fix?: { cli: string; api: string };
}

function startupCheck(role: 'Call Router' | 'UM service', mode: string, tlsPort: number): CheckResult {
  const [command, route] = role === 'Call Router' ? ['callrouter', '/api/callrouter'] : ['service', '/api/service'];
  if (usesTls(mode as 'TCP' | 'TLS' | 'Dual')) return { what: `${role} startup mode`, ok: true, detail: `${mode}: TLS on port ${tlsPort}` };
  return {
    what: `${role} startup mode`, ok: false,
    detail: `${mode}: the ${role} has no TLS listener, so the SIP server's TLS calls cannot reach it`,
    fix: { cli: `openum ${command} set --startup-mode Dual`, api: `PATCH ${route} { "startupMode": "Dual" }` },
  };
}

async function certificateChecks(db: Kysely<Database>, server: ServerSettings): Promise<CheckResult[]> {
  const trust = await loadTrustMaterial(db);
  const views = await buildViews(db, server, trust, new Date());
  const effective = effectiveServices(server, await readAssignments(db, server.name));
  return (['UMCallRouter', 'UM'] as const).map((service) => {
    const what = `${service} certificate`;
    const fix = {
      cli: `openum certificate import FILE (issued for ${server.fqdn} by a CA the SIP server trusts), then openum certificate enable THUMBPRINT --services UM,UMCallRouter`,
      api: `POST /api/certificates/import, then POST /api/certificates/THUMBPRINT/enable { "services": ["UM", "UMCallRouter"] }`,
    };
    const assigned = effective.get(service);
    const view = assigned && views.find((v) => v.thumbprint === assigned.thumbprint);
    if (!view) return { what, ok: false, detail: `no certificate serves ${service}`, fix };
    if (view.status !== 'Valid') return { what, ok: false, detail: `${view.thumbprint} (${view.subject}) is ${view.status}: ${view.statusReason}`, fix };
    const note = view.selfSigned ? '; it is self-signed: the SIP server must trust this very certificate (openum certificate export)' : `; the SIP server must trust its issuer (${view.issuer})`;
    return { what, ok: true, detail: `${view.thumbprint} (${view.subject}), valid until ${view.notAfter ?? '?'}${note}` };
  });
}

function dialPlanCheck(plan: DialPlan): CheckResult {
  const what = `dial plan ${plan.name} VoIP security`;
  if (plan.voipSecurity !== 'Unsecured') return { what, ok: true, detail: `${plan.voipSecurity}: calls over TLS${plan.voipSecurity === 'Secured' ? ' with SRTP media' : ''}` };
  return {
    what, ok: false, detail: 'Unsecured: the Call Router refuses calls over TLS for it (403), so the mutual-TLS trunk cannot reach it',
    fix: { cli: `openum dialplan set ${plan.name} --security SIPSecured`, api: `PATCH /api/dialplans/${plan.name} { "voipSecurity": "SIPSecured" }` },
  };
}

async function trustCheck(db: Kysely<Database>, o: { fqdn: string }): Promise<CheckResult> {
  const roots = await listTrustedRoots(db);
  const what = 'trusted roots for the SIP server certificate';
  if (roots.length > 0) {
    return { what, ok: true, detail: `${roots.length} trusted root(s); the SIP server's certificate must name ${o.fqdn} and chain to one of them` };
  }
  return {
    what, ok: false, detail: `no trusted root: the SIP server's certificate (for ${o.fqdn}) would be refused as Untrusted`,
    fix: { cli: `openum integrate sip-server --fqdn ${o.fqdn} … --ca CA-FILE (or openum trust add CA-FILE)`, api: 'POST /api/integrations/sip-server with ca (or POST /api/trust)' },
  };
}

export async function mtlsChecks(db: Kysely<Database>, server: ServerSettings, plans: DialPlan[], o: { fqdn: string }): Promise<CheckResult[]> {
  return [
    startupCheck('Call Router', server.callRouter.startupMode, server.callRouter.sipTlsPort),
    startupCheck('UM service', server.umService.startupMode, server.umService.sipTlsPort),
    ...await certificateChecks(db, server),
    ...plans.map(dialPlanCheck),
    await trustCheck(db, o),
  ];
}
