// `openum integrate sip-server` / POST /api/integrations/sip-server: what ExchUcUtil.ps1 does for
// Lync/Skype pools in the seeds, for any SIP server. Idempotent: the UM IP gateway named by the
// SIP server's FQDN, one hunt group per SIP URI (SipName) dial plan, its CA as a trusted root;
// whatever is already in place is left as it is and reported "unchanged". It never changes the
// startup modes or certificates: the mutual-TLS checks say which command does.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../../errors.js';
import { createHuntGroup, listHuntGroups } from '../../org/hunt-groups.js';
import { createGateway, DEFAULT_SIPS_PORT, listGateways, setGateway } from '../../org/ip-gateways.js';
import type { DialPlan, HuntGroup, IpGateway } from '../../org/organisation-types.js';
import { getServer } from '../../org/server-settings.js';
import { addTrustedRoots, listTrustedRoots } from '../../pki/trust-store.js';
import type { Actor } from '../../store/mutation.js';
import type { Database } from '../../store/schema.js';
import { mtlsChecks } from './mtls-checks.js';
import { peerFacts } from './peer-facts.js';
import { renderPeerConfig } from './peer-config.js';
import { readSipServerRequest, type SipServerInput, type SipServerRequest } from './sip-server-input.js';
import type { ChangeState, SipServerIntegration } from './sip-server-types.js';

interface GroupPlan { name: string; dialPlan: DialPlan; pilotIdentifier: string; state: ChangeState }

/** The hunt group each dial plan gets on the gateway: kept when the gateway has one on it already. */
function planHuntGroups(existing: HuntGroup[], plans: DialPlan[], gatewayName: string): GroupPlan[] {
  const taken = new Set(existing.map((g) => g.pilotIdentifier));
  const names = new Set(existing.map((g) => g.name.toLowerCase()));
  return plans.map((plan) => {
    const have = existing.find((g) => g.dialPlanId === plan.id);
    if (have) return { name: have.name, dialPlan: plan, pilotIdentifier: have.pilotIdentifier, state: 'unchanged' };
    // The first plan answers any call from the SIP server; another plan is told apart by its
    // pilot (access) number, as the Call Router matches the called number to pilot identifiers.
    const pilot = !taken.has('') ? '' : plan.accessNumbers.find((n) => !taken.has(n));
    if (pilot === undefined) {
      throw new OpenUmError('OBJECT_EXISTS',
        `the gateway "${gatewayName}" already has a hunt group for any call, so the hunt group for the dial plan "${plan.name}" needs a pilot identifier, and that dial plan has no free access number`, {
          cli: `; give it one ('openum dialplan set ${plan.name} --access-number N') or integrate one dial plan at a time with --dial-plan`,
          api: `; give it one (PATCH /api/dialplans/${plan.name} { accessNumbers }) or name one dial plan in dialPlan`,
        });
    }
    if (names.has(plan.name.toLowerCase())) {
      throw new OpenUmError('OBJECT_EXISTS', `the gateway "${gatewayName}" already has a hunt group named "${plan.name}" on another dial plan`, {
        cli: `; rename it ('openum huntgroup set ${plan.name} --gateway ${gatewayName} --name NEW')`,
        api: `; rename it (PATCH /api/huntgroups/${plan.name}?gateway=${gatewayName} { name })`,
      });
    }
    taken.add(pilot);
    names.add(plan.name.toLowerCase());
    return { name: plan.name, dialPlan: plan, pilotIdentifier: pilot, state: 'created' };
  });
}

/** The gateway whose address is the FQDN, or a free name for a new one (the FQDN itself). */
function findSipServerGateway(gateways: IpGateway[], fqdn: string): IpGateway | undefined {
  const found = gateways.find((g) => g.address === fqdn);
  if (!found && gateways.some((g) => g.name.toLowerCase() === fqdn)) {
    throw new OpenUmError('OBJECT_EXISTS', `a UM IP gateway is named "${fqdn}" but has another address, so the SIP server's gateway cannot take that name`, {
      cli: `; rename it ('openum gateway set ${fqdn} --new-name OTHER') or give it the address ('openum gateway set ${fqdn} --address ${fqdn}')`,
      api: `; rename it or give it the address ${fqdn} (PATCH /api/gateways/${fqdn})`,
    });
  }
  return found;
}

async function applyGateway(db: Kysely<Database>, actor: Actor, req: SipServerRequest, current: IpGateway | undefined): Promise<{ gateway: IpGateway; state: ChangeState }> {
  if (!current) {
    const gateway = await createGateway(db, actor, req.fqdn, { address: req.fqdn, port: req.port ?? DEFAULT_SIPS_PORT });
    return { gateway, state: 'created' };
  }
  if (req.port !== undefined && req.port !== current.port) {
    return { gateway: await setGateway(db, actor, current.name, { port: req.port }), state: 'updated' };
  }
  return { gateway: current, state: 'unchanged' };
}

/** words: whether the fixes in the checks are said as commands (cli) or API calls (api). */
export async function integrateSipServer(db: Kysely<Database>, actor: Actor, serverName: string, input: SipServerInput, words: 'cli' | 'api'): Promise<SipServerIntegration> {
  // 1. Everything is read and checked first: a refusal changes nothing.
  const req = await readSipServerRequest(db, input);
  const current = findSipServerGateway(await listGateways(db), req.fqdn);
  const existingGroups = current ? await listHuntGroups(db, { gateway: current.name }) : [];
  const groups = planHuntGroups(existingGroups, req.dialPlans, current?.name ?? req.fqdn);
  const known = new Set((await listTrustedRoots(db)).map((r) => r.thumbprint));

  // 2. The changes, each through the same code as its own command.
  const { gateway, state } = await applyGateway(db, actor, req, current);
  for (const g of groups.filter((x) => x.state === 'created')) {
    await createHuntGroup(db, actor, g.name, { gateway: gateway.name, dialPlan: g.dialPlan.name, pilotIdentifier: g.pilotIdentifier });
  }
  const roots = input.ca === undefined ? [] : await addTrustedRoots(db, actor, input.ca);
  const trustedRoots = roots.map((r) => ({ thumbprint: r.thumbprint, subject: r.subject, state: known.has(r.thumbprint) ? 'unchanged' as const : 'added' as const }));

  // 3. What mutual TLS still needs, and the peer's side.
  const server = await getServer(db, serverName);
  const checks = (await mtlsChecks(db, server, req.dialPlans, { fqdn: req.fqdn }))
    .map((c) => ({ what: c.what, ok: c.ok, detail: c.detail, ...(c.fix ? { fix: c.fix[words] } : {}) }));
  const facts = await peerFacts(db, req, server, gateway);
  const changed = state !== 'unchanged' || groups.some((g) => g.state !== 'unchanged') || trustedRoots.some((r) => r.state === 'added');
  return {
    kind: req.kind,
    fqdn: req.fqdn,
    gateway: { name: gateway.name, address: gateway.address, port: gateway.port, state },
    huntGroups: groups.map((g) => ({ name: g.name, dialPlan: g.dialPlan.name, pilotIdentifier: g.pilotIdentifier, state: g.state })),
    trustedRoots,
    changed,
    checks,
    ready: checks.every((c) => c.ok),
    files: renderPeerConfig(facts),
  };
}
