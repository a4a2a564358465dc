// `openum gateway new|set|get|list|remove`: UM IP gateways (New-/Set-/Get-/Remove-UMIPGateway).
import { OpenUmError } from '../../errors.js';
import { createGateway, getGateway, listGateways, removeGateway, setGateway, type GatewayInput } from '../../org/ip-gateways.js';
import type { IpGateway } from '../../org/organisation-types.js';
import { flag, parse, str, type Options, type Parsed } from '../args.js';
import { printFields, printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum gateway — UM IP gateways (PBX, IP-PBX or SBC peers)

  new NAME --address IP|FQDN [--port N] [--dial-plan DP] [--status Enabled|Disabled|NoNewCalls]
      [--outcalls on|off] [--mwi on|off] [--family IPv4Only|IPv6Only|Any]
        port 5060 by default, 5061 when --dial-plan is SIPSecured/Secured; --dial-plan also
        creates the default hunt group (any call). A SIPSecured/Secured dial plan needs an FQDN:
        mutual TLS identifies the gateway by the FQDN in its certificate
  set NAME [--address A] [--port N] [--status S] [--outcalls on|off] [--mwi on|off] [--family F] [--new-name NAME]
  get NAME [--json]
  list [--json]
  remove NAME            also removes its hunt groups
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

const OPTIONS: Options = {
  address: { type: 'string' }, port: { type: 'string' }, status: { type: 'string' },
  outcalls: { type: 'string' }, mwi: { type: 'string' }, family: { type: 'string' },
};

const input = (p: Parsed): GatewayInput => ({
  address: str(p, 'address'), port: str(p, 'port'), status: str(p, 'status'),
  outcallsAllowed: str(p, 'outcalls'), mwiAllowed: str(p, 'mwi'), ipAddressFamily: str(p, 'family'),
});

function show(g: IpGateway, json: boolean): void {
  if (json) return printJson(g);
  printFields([
    ['Name', g.name], ['Address', g.address], ['Port', g.port], ['Status', g.status], ['Outcalls allowed', g.outcallsAllowed],
    ['MWI allowed', g.mwiAllowed], ['IP address family', g.ipAddressFamily],
  ]);
}

const commands: CommandTable = {
  async new(argv) {
    const p = parse('gateway new', argv, { ...OPTIONS, 'dial-plan': { type: 'string' } },
      { min: 1, max: 1, usage: 'NAME --address IP|FQDN [--port N] [--dial-plan DP] …' });
    if (p.values.help) return void console.log(HELP);
    const address = str(p, 'address');
    if (address === undefined) throw new OpenUmError('BAD_ARGUMENT', "'openum gateway new' needs --address IP|FQDN (e.g. --address gw1.contoso.com)");
    await withNode(p, async (node) => show(await createGateway(node.store.db, node.actor, p.positionals[0] ?? '',
      { ...input(p), address, dialPlan: str(p, 'dial-plan') }), flag(p, 'json')));
  },
  async set(argv) {
    const p = parse('gateway set', argv, { ...OPTIONS, 'new-name': { type: 'string' } }, { min: 1, max: 1, usage: 'NAME [--address A] [--port N] …' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await setGateway(node.store.db, node.actor, p.positionals[0] ?? '',
      { ...input(p), name: str(p, 'new-name') }), flag(p, 'json')));
  },
  async get(argv) {
    const p = parse('gateway get', argv, {}, { min: 1, max: 1, usage: 'NAME [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await getGateway(node.store.db, p.positionals[0] ?? ''), flag(p, 'json')));
  },
  async list(argv) {
    const p = parse('gateway list', argv, {}, { min: 0, max: 0, usage: '[--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const gateways = await listGateways(node.store.db);
      if (flag(p, 'json')) return printJson(gateways);
      printTable(['NAME', 'ADDRESS', 'PORT', 'STATUS', 'OUTCALLS', 'MWI', 'FAMILY'], gateways.map((g) => [
        g.name, g.address, String(g.port), g.status, g.outcallsAllowed ? 'on' : 'off', g.mwiAllowed ? 'on' : 'off', g.ipAddressFamily]));
    });
  },
  async remove(argv) {
    const p = parse('gateway remove', argv, {}, { min: 1, max: 1, usage: 'NAME' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const r = await removeGateway(node.store.db, node.actor, p.positionals[0] ?? '');
      if (flag(p, 'json')) return printJson({ removed: p.positionals[0], ...r });
      console.log(`removed gateway ${p.positionals[0]}${r.removedHuntGroups.length ? ` and its hunt groups ${r.removedHuntGroups.join(', ')}` : ''}`);
    });
  },
};

export const gatewayCommand = (argv: string[]) => runSubcommand('gateway', commands, argv, HELP);
