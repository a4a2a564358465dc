// `openum dialplan new|set|get|list|remove`: UM dial plans (New-/Set-/Get-/Remove-UMDialPlan).
import { createDialPlan, getDialPlan, listDialPlans, removeDialPlan, setDialPlan, type DialPlanInput } from '../../org/dial-plans.js';
import type { DialPlan } from '../../org/organisation-types.js';
import { flag, list, parse, str, type Options, type Parsed } from '../args.js';
import { printFields, printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum dialplan — UM dial plans

  new NAME [--uri-type TelExtn|E164|SipName] [--extension-length N] [--security Unsecured|SIPSecured|Secured]
      [--country-code N] [--access-number N]... [--language en-US|it-IT|es-ES|fr-FR]
      [--max-call-minutes N] [--max-recording-minutes N] [--recording-idle-seconds N]
      [--input-failures N] [--logon-failures N] [--audio-codec WAV|MP3]
      [--outdial-allowed "1XXX,9XXXXXXXXX"]   numbers Play on Phone may call (X: any digit;
        default "": the plan's own extensions only)
        defaults: TelExtn (needs --extension-length 1-20), Unsecured, en-US, 30 min calls,
        20 min recordings, 5 s idle, 3 input/logon failures, WAV
  set NAME [same options] [--new-name NAME] [--no-access-numbers]
        --access-number replaces the whole list; SIPSecured/Secured is refused while an
        IP-addressed gateway serves the plan (mutual TLS needs the gateway's FQDN)
  get NAME [--json]
  list [--json]
  remove NAME            refused while hunt groups or users use the plan
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

const OPTIONS: Options = {
  'uri-type': { type: 'string' }, 'extension-length': { type: 'string' }, security: { type: 'string' },
  'country-code': { type: 'string' }, 'access-number': { type: 'string', multiple: true }, language: { type: 'string' },
  'max-call-minutes': { type: 'string' }, 'max-recording-minutes': { type: 'string' }, 'recording-idle-seconds': { type: 'string' },
  'input-failures': { type: 'string' }, 'logon-failures': { type: 'string' }, 'audio-codec': { type: 'string' },
  'outdial-allowed': { type: 'string' },
};

function input(p: Parsed): DialPlanInput {
  const numbers = list(p, 'access-number');
  return {
    uriType: str(p, 'uri-type'), extensionLength: str(p, 'extension-length'), voipSecurity: str(p, 'security'),
    countryCode: str(p, 'country-code'),
    accessNumbers: flag(p, 'no-access-numbers') ? [] : numbers.length > 0 ? numbers : undefined,
    defaultLanguage: str(p, 'language'), maxCallMinutes: str(p, 'max-call-minutes'), maxRecordingMinutes: str(p, 'max-recording-minutes'),
    recordingIdleSeconds: str(p, 'recording-idle-seconds'), inputFailuresBeforeDisconnect: str(p, 'input-failures'),
    logonFailuresBeforeDisconnect: str(p, 'logon-failures'), audioCodec: str(p, 'audio-codec'),
    outdialAllowed: str(p, 'outdial-allowed'),
  };
}

export function showDialPlan(d: DialPlan, json: boolean): void {
  if (json) return printJson(d);
  printFields([
    ['Name', d.name], ['URI type', d.uriType], ['Extension digits', d.extensionLength], ['VoIP security', d.voipSecurity],
    ['Country code', d.countryCode], ['Access numbers', d.accessNumbers], ['Default language', d.defaultLanguage],
    ['Max call minutes', d.maxCallMinutes], ['Max recording minutes', d.maxRecordingMinutes],
    ['Recording idle seconds', d.recordingIdleSeconds], ['Input failures before disconnect', d.inputFailuresBeforeDisconnect],
    ['Logon failures before disconnect', d.logonFailuresBeforeDisconnect], ['Audio codec', d.audioCodec],
    ['Outdialing rules', d.outdialAllowed.length ? d.outdialAllowed : '(own extensions only)'],
  ]);
}

const commands: CommandTable = {
  async new(argv) {
    const p = parse('dialplan new', argv, OPTIONS, { min: 1, max: 1, usage: 'NAME [--uri-type T] [--extension-length N] [--security S] …' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => showDialPlan(await createDialPlan(node.store.db, node.actor, p.positionals[0] ?? '', input(p)), flag(p, 'json')));
  },
  async set(argv) {
    const p = parse('dialplan set', argv, { ...OPTIONS, 'new-name': { type: 'string' }, 'no-access-numbers': { type: 'boolean' } },
      { min: 1, max: 1, usage: 'NAME [--security S] [--access-number N]... [--new-name NAME] …' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => showDialPlan(
      await setDialPlan(node.store.db, node.actor, p.positionals[0] ?? '', { ...input(p), name: str(p, 'new-name') }), flag(p, 'json')));
  },
  async get(argv) {
    const p = parse('dialplan get', argv, {}, { min: 1, max: 1, usage: 'NAME [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => showDialPlan(await getDialPlan(node.store.db, p.positionals[0] ?? ''), flag(p, 'json')));
  },
  async list(argv) {
    const p = parse('dialplan list', argv, {}, { min: 0, max: 0, usage: '[--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const plans = await listDialPlans(node.store.db);
      if (flag(p, 'json')) return printJson(plans);
      printTable(['NAME', 'URI TYPE', 'DIGITS', 'SECURITY', 'LANGUAGE', 'ACCESS NUMBERS'],
        plans.map((d) => [d.name, d.uriType, String(d.extensionLength ?? '-'), d.voipSecurity, d.defaultLanguage, d.accessNumbers.join(', ') || '-']));
    });
  },
  async remove(argv) {
    const p = parse('dialplan remove', argv, {}, { min: 1, max: 1, usage: 'NAME' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      await removeDialPlan(node.store.db, node.actor, p.positionals[0] ?? '');
      if (flag(p, 'json')) return printJson({ removed: p.positionals[0] });
      console.log(`removed dial plan ${p.positionals[0]}`);
    });
  },
};

export const dialPlanCommand = (argv: string[]) => runSubcommand('dialplan', commands, argv, HELP);
