// `openum huntgroup new|set|get|list|remove`: UM hunt groups (New-/Get-/Remove-UMHuntGroup).
import { OpenUmError } from '../../errors.js';
import { createHuntGroup, getHuntGroup, listHuntGroups, removeHuntGroup, setHuntGroup } from '../../org/hunt-groups.js';
import type { HuntGroup } from '../../org/organisation-types.js';
import { flag, parse, str } from '../args.js';
import { printFields, printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum huntgroup — UM hunt groups: which dial plan answers a gateway's calls

  new NAME --gateway G --dial-plan DP [--pilot P]
        --pilot: the pilot identifier (number the PBX hunts to); empty answers any call.
        Names and pilot identifiers are unique per gateway
  set NAME [--gateway G] [--dial-plan DP] [--pilot P] [--new-name NAME]
  get NAME [--gateway G] [--json]
  list [--gateway G] [--json]
  remove NAME [--gateway G]
--gateway is needed with a name that several gateways use.
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

function show(h: HuntGroup, json: boolean): void {
  if (json) return printJson(h);
  printFields([['Name', h.name], ['Gateway', h.gatewayName], ['Dial plan', h.dialPlanName], ['Pilot identifier', h.pilotIdentifier || '(any call)']]);
}

const commands: CommandTable = {
  async new(argv) {
    const p = parse('huntgroup new', argv, { gateway: { type: 'string' }, 'dial-plan': { type: 'string' }, pilot: { type: 'string' } },
      { min: 1, max: 1, usage: 'NAME --gateway G --dial-plan DP [--pilot P]' });
    if (p.values.help) return void console.log(HELP);
    const gateway = str(p, 'gateway');
    const dialPlan = str(p, 'dial-plan');
    if (gateway === undefined || dialPlan === undefined) {
      throw new OpenUmError('BAD_ARGUMENT', "'openum huntgroup new' needs --gateway G and --dial-plan DP");
    }
    await withNode(p, async (node) => show(await createHuntGroup(node.store.db, node.actor, p.positionals[0] ?? '',
      { gateway, dialPlan, pilotIdentifier: str(p, 'pilot') }), flag(p, 'json')));
  },
  async set(argv) {
    const p = parse('huntgroup set', argv, { gateway: { type: 'string' }, 'dial-plan': { type: 'string' }, pilot: { type: 'string' }, 'new-name': { type: 'string' } },
      { min: 1, max: 1, usage: 'NAME [--gateway G] [--dial-plan DP] [--pilot P] [--new-name NAME]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await setHuntGroup(node.store.db, node.actor, p.positionals[0] ?? '', str(p, 'gateway'),
      { name: str(p, 'new-name'), dialPlan: str(p, 'dial-plan'), pilotIdentifier: str(p, 'pilot') }), flag(p, 'json')));
  },
  async get(argv) {
    const p = parse('huntgroup get', argv, { gateway: { type: 'string' } }, { min: 1, max: 1, usage: 'NAME [--gateway G] [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await getHuntGroup(node.store.db, p.positionals[0] ?? '', str(p, 'gateway')), flag(p, 'json')));
  },
  async list(argv) {
    const p = parse('huntgroup list', argv, { gateway: { type: 'string' } }, { min: 0, max: 0, usage: '[--gateway G] [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const groups = await listHuntGroups(node.store.db, { gateway: str(p, 'gateway') });
      if (flag(p, 'json')) return printJson(groups);
      printTable(['GATEWAY', 'NAME', 'DIAL PLAN', 'PILOT'], groups.map((h) => [h.gatewayName, h.name, h.dialPlanName, h.pilotIdentifier || '(any)']));
    });
  },
  async remove(argv) {
    const p = parse('huntgroup remove', argv, { gateway: { type: 'string' } }, { min: 1, max: 1, usage: 'NAME [--gateway G]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      await removeHuntGroup(node.store.db, node.actor, p.positionals[0] ?? '', str(p, 'gateway'));
      if (flag(p, 'json')) return printJson({ removed: p.positionals[0] });
      console.log(`removed hunt group ${p.positionals[0]}`);
    });
  },
};

export const huntGroupCommand = (argv: string[]) => runSubcommand('huntgroup', commands, argv, HELP);
