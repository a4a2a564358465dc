// `openum integrate sip-server`: the UM IP gateway, hunt groups and trusted root for a SIP server
// (Kamailio, Asterisk or any other), the mutual-TLS checks, and the SIP server's side of the trunk
// printed (seeds: ExchUcUtil.ps1 / OcsUmUtil for Lync). Running it again changes nothing.
import { OpenUmError } from '../../errors.js';
import { requireServer } from '../../services/node.js';
import { integrateSipServer } from '../../services/integrations/sip-server.js';
import type { SipServerIntegration } from '../../services/integrations/sip-server-types.js';
import { flag, parse, readInputFile, str } from '../args.js';
import { printJson } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum integrate — connect OpenUM to another system

  sip-server --fqdn FQDN --kind kamailio|asterisk|generic [--ca FILE] [--dial-plan NAME]
             [--address IP] [--port N] [--json]
        creates (or keeps) the UM IP gateway for the SIP server's FQDN, a hunt group on each
        SIP URI (SipName) dial plan (or on --dial-plan only), trusts the CA certificate(s) in
        --ca, checks what mutual TLS needs (startup modes, UM and UMCallRouter certificates,
        dial plan security) and prints the SIP server's configuration: kamailio.cfg + tls.cfg,
        pjsip.conf + extensions.conf, or a plain description. --address and --port: where the
        SIP server listens for TLS (the gateway's port, 5061 by default). Running it again
        changes nothing and says so. Docs: docs/sip-server-integration.md`;

function print(r: SipServerIntegration): void {
  const pilot = (p: string) => p === '' ? 'any call' : `pilot ${p}`;
  console.log(`UM IP gateway ${r.gateway.name} (${r.gateway.address}:${r.gateway.port}): ${r.gateway.state}`);
  for (const g of r.huntGroups) console.log(`hunt group ${g.name} on dial plan ${g.dialPlan} (${pilot(g.pilotIdentifier)}): ${g.state}`);
  for (const t of r.trustedRoots) console.log(`trusted root ${t.thumbprint} ${t.subject}: ${t.state}`);
  if (!r.changed) console.log('nothing changed: all of it was already in place');
  console.log(`\nmutual TLS: ${r.ready ? 'ready' : 'not ready yet'}`);
  for (const c of r.checks) {
    console.log(`  ${c.ok ? 'ok  ' : 'TODO'}  ${c.what}: ${c.detail}`);
    if (c.fix) console.log(`        run: ${c.fix}`);
  }
  for (const f of r.files) console.log(`\n----- ${f.name} -----\n${f.text}`);
}

const commands: CommandTable = {
  async 'sip-server'(argv) {
    const p = parse('integrate sip-server', argv, {
      fqdn: { type: 'string' }, kind: { type: 'string' }, ca: { type: 'string' }, 'dial-plan': { type: 'string' },
      address: { type: 'string' }, port: { type: 'string' },
    }, { min: 0, max: 0, usage: '--fqdn FQDN --kind kamailio|asterisk|generic [--ca FILE] [--dial-plan NAME] [--address IP] [--port N]' });
    if (p.values.help) return void console.log(HELP);
    const fqdn = str(p, 'fqdn');
    const kind = str(p, 'kind');
    if (fqdn === undefined) throw new OpenUmError('BAD_ARGUMENT', "'openum integrate sip-server' needs --fqdn, the SIP server's (pool's) name, e.g. --fqdn pool.contoso.com");
    if (kind === undefined) throw new OpenUmError('BAD_ARGUMENT', "'openum integrate sip-server' needs --kind kamailio|asterisk|generic (generic: a plain description for any SIP server)");
    const caPath = str(p, 'ca');
    const ca = caPath === undefined ? undefined : readInputFile(caPath);
    await withNode(p, async (node) => {
      const r = await integrateSipServer(node.store.db, node.actor, requireServer(node), {
        fqdn, kind, ca, dialPlan: str(p, 'dial-plan'), address: str(p, 'address'), port: str(p, 'port'),
      }, 'cli');
      if (flag(p, 'json')) return printJson(r);
      print(r);
    });
  },
};

export const integrateCommand = (argv: string[]) => runSubcommand('integrate', commands, argv, HELP);
