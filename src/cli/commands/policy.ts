// `openum policy new|set|get|list|remove`: UM mailbox policies (New-/Set-/Get-/Remove-UMMailboxPolicy).
import { OpenUmError } from '../../errors.js';
import {
  createPolicy, getPolicy, listPolicies, removePolicy, setPolicy, type MailboxPolicy, type PolicyInput,
} from '../../org/mailbox-policies.js';
import { flag, parse, str, type Options, type Parsed } from '../args.js';
import { printFields, printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum policy — UM mailbox policies (PIN rules, logon limits, missed-call e-mail)

  new NAME --dial-plan DP [--min-pin-length 4-24] [--pin-lifetime DAYS] [--pin-history 1-20]
      [--allow-common-patterns on|off] [--pin-reset-failures N] [--max-logon-attempts N]
      [--missed-call-notifications on|off]
        defaults: PIN of 6+ digits, changed every 60 days (0: never), not one of the last 5,
        no common patterns (111111, 123456, 654321, the extension); PIN reset and mailed after
        5 wrong PINs, mailbox locked after 15 until 'openum user pin unlock'; missed calls mailed
  set NAME [same options] [--new-name NAME]
  get NAME [--json]
  list [--dial-plan DP] [--json]
  remove NAME          refused while users have it, or for a dial plan's default policy
Each dial plan gets "<dial plan> Default Policy"; users get it unless given --policy.
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

const OPTIONS: Options = {
  'min-pin-length': { type: 'string' }, 'pin-lifetime': { type: 'string' }, 'pin-history': { type: 'string' },
  'allow-common-patterns': { type: 'string' }, 'pin-reset-failures': { type: 'string' }, 'max-logon-attempts': { type: 'string' },
  'missed-call-notifications': { type: 'string' },
};

function input(p: Parsed): PolicyInput {
  return {
    minPinLength: str(p, 'min-pin-length'), pinLifetimeDays: str(p, 'pin-lifetime'), pinHistoryCount: str(p, 'pin-history'),
    allowCommonPatterns: str(p, 'allow-common-patterns'), logonFailuresBeforePinReset: str(p, 'pin-reset-failures'),
    maxLogonAttempts: str(p, 'max-logon-attempts'), missedCallNotifications: str(p, 'missed-call-notifications'),
  };
}

function show(x: MailboxPolicy, json: boolean): void {
  if (json) return printJson(x);
  printFields([
    ['Name', x.name], ['Dial plan', x.dialPlanName], ['Default', x.isDefault], ['Minimum PIN length', x.minPinLength],
    ['PIN lifetime (days)', x.pinLifetimeDays === 0 ? 'never expires' : x.pinLifetimeDays], ['PIN history', x.pinHistoryCount],
    ['Allow common patterns', x.allowCommonPatterns], ['Logon failures before PIN reset', x.logonFailuresBeforePinReset === 0 ? 'never' : x.logonFailuresBeforePinReset],
    ['Max logon attempts', x.maxLogonAttempts], ['Missed-call notifications', x.missedCallNotifications],
  ]);
}

const commands: CommandTable = {
  async new(argv) {
    const p = parse('policy new', argv, { ...OPTIONS, 'dial-plan': { type: 'string' } }, { min: 1, max: 1, usage: 'NAME --dial-plan DP [--min-pin-length N] …' });
    if (p.values.help) return void console.log(HELP);
    const dialPlan = str(p, 'dial-plan');
    if (dialPlan === undefined) throw new OpenUmError('BAD_ARGUMENT', "'openum policy new' needs --dial-plan DP (a policy belongs to one dial plan)");
    await withNode(p, async (node) => show(await createPolicy(node.store.db, node.actor, p.positionals[0] ?? '', { ...input(p), dialPlan }), flag(p, 'json')));
  },
  async set(argv) {
    const p = parse('policy set', argv, { ...OPTIONS, 'new-name': { type: 'string' } }, { min: 1, max: 1, usage: 'NAME [--min-pin-length N] … [--new-name NAME]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await setPolicy(node.store.db, node.actor, p.positionals[0] ?? '', { ...input(p), name: str(p, 'new-name') }), flag(p, 'json')));
  },
  async get(argv) {
    const p = parse('policy get', argv, {}, { min: 1, max: 1, usage: 'NAME [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await getPolicy(node.store.db, p.positionals[0] ?? ''), flag(p, 'json')));
  },
  async list(argv) {
    const p = parse('policy list', argv, { 'dial-plan': { type: 'string' } }, { min: 0, max: 0, usage: '[--dial-plan DP] [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const all = await listPolicies(node.store.db, { dialPlan: str(p, 'dial-plan') });
      if (flag(p, 'json')) return printJson(all);
      printTable(['NAME', 'DIAL PLAN', 'DEFAULT', 'MIN PIN', 'LIFETIME', 'HISTORY', 'RESET AFTER', 'LOCK AFTER', 'MISSED CALLS'], all.map((x) => [
        x.name, x.dialPlanName, x.isDefault ? 'yes' : 'no', String(x.minPinLength), x.pinLifetimeDays === 0 ? 'never' : `${x.pinLifetimeDays} d`,
        String(x.pinHistoryCount), x.logonFailuresBeforePinReset === 0 ? 'never' : String(x.logonFailuresBeforePinReset),
        String(x.maxLogonAttempts), x.missedCallNotifications ? 'mailed' : 'off']));
    });
  },
  async remove(argv) {
    const p = parse('policy remove', argv, {}, { min: 1, max: 1, usage: 'NAME' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      await removePolicy(node.store.db, node.actor, p.positionals[0] ?? '');
      if (flag(p, 'json')) return printJson({ removed: p.positionals[0] });
      console.log(`removed mailbox policy ${p.positionals[0]}`);
    });
  },
};

export const policyCommand = (argv: string[]) => runSubcommand('policy', commands, argv, HELP);
