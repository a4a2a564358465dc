// `openum autoattendant new|set|get|list|remove|greeting|key|holiday`: UM auto attendants
// (New-/Set-/Get-/Remove-UMAutoAttendant, Import-UMPrompt for their greetings).
import { OpenUmError } from '../../errors.js';
import { clearKey, parseHours, setAutoAttendantGreeting, setHoliday, removeHoliday, setKey, type GreetingChoice } from '../../org/auto-attendant-parts.js';
import type { AutoAttendant, KeyMapping } from '../../org/auto-attendant-types.js';
import {
  createAutoAttendant, getAutoAttendant, listAutoAttendants, removeAutoAttendant, setAutoAttendant, type AutoAttendantInput,
} from '../../org/auto-attendants.js';
import { toGreetingWav } from '../../services/voicemail/greeting-audio.js';
import { flag, list, parse, readInputFile, str, type Options, type Parsed } from '../args.js';
import { printFields, printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum autoattendant — UM auto attendants (a company's main number)

  new NAME --dial-plan DP [--number N]... [--enabled on|off] [--time-zone Europe/Rome]
      [--business-hours Mon.08:00-Mon.18:00]... [--operator EXT] [--dial-by-extension on|off]
      [--dial-by-name off|last|first] [--language en-US|it-IT|es-ES|fr-FR]
        defaults: enabled, UTC, business hours always, no operator, dial by extension on,
        dial by name off, the dial plan's language. A pilot number is unique among the dial
        plan's auto attendants and may not be any dial plan's access number.
        Business hours are weekly ranges in 15-minute steps, several allowed (or comma-separated):
        Mon.08:00-Mon.18:00 is one day; Mon.08:00-Fri.18:00 runs through the nights; always; none
  set NAME [same options] [--new-name NAME] [--no-numbers] [--no-operator]
        --number and --business-hours replace the whole list
  get NAME [--json]
  list [--dial-plan DP] [--json]
  remove NAME             refused while another auto attendant's key leads to it
  greeting NAME --hours business|after (--file greeting.wav | --clear)
  greeting NAME --holiday HOLIDAY (--file greeting.wav | --clear)
        any PCM WAV, at most 5 minutes, stored 8 kHz mono 16-bit; --clear: the system prompt
  key NAME KEY --hours business|after (--transfer EXT | --autoattendant NAME | --voicemail USER
      | --announcement file.wav | --clear)
        keys 1-9; 0 is the operator (--operator), # dials by extension, * dials by name
  holiday NAME HOLIDAY --start 2026-12-25 [--end 2026-12-26]   add, or change its dates
  holiday NAME HOLIDAY --remove
        on a holiday the caller hears its greeting, then the after-hours menu
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

const OPTIONS: Options = {
  number: { type: 'string', multiple: true }, enabled: { type: 'string' }, 'time-zone': { type: 'string' },
  'business-hours': { type: 'string', multiple: true }, operator: { type: 'string' }, 'dial-by-extension': { type: 'string' },
  'dial-by-name': { type: 'string' }, language: { type: 'string' },
};

function input(p: Parsed): AutoAttendantInput {
  const numbers = list(p, 'number');
  const hours = list(p, 'business-hours');
  return {
    numbers: flag(p, 'no-numbers') ? [] : numbers.length > 0 ? numbers : undefined,
    enabled: str(p, 'enabled'), timeZone: str(p, 'time-zone'), businessHours: hours.length > 0 ? hours : undefined,
    operatorExtension: flag(p, 'no-operator') ? null : str(p, 'operator'), dialByExtension: str(p, 'dial-by-extension'),
    dialByName: str(p, 'dial-by-name'), language: str(p, 'language'),
  };
}

export function describeKey(k: KeyMapping): string {
  switch (k.action) {
    case 'transfer': return `transfer to ${k.extension}`;
    case 'autoattendant': return `auto attendant ${k.autoAttendant}`;
    case 'voicemail': return `voice mail of ${k.user}`;
    default: return 'announcement';
  }
}

function menu(keys: KeyMapping[]): string[] {
  return keys.length === 0 ? ['(no keys)'] : keys.map((k) => `${k.key}: ${describeKey(k)}`);
}

function show(a: AutoAttendant, json: boolean): void {
  if (json) return printJson(a);
  printFields([
    ['Name', a.name], ['Dial plan', a.dialPlanName], ['Enabled', a.enabled], ['Pilot numbers', a.numbers],
    ['Time zone', a.timeZone], ['Business hours', a.businessHours],
    ['Holidays', a.holidays.map((h) => `${h.name} ${h.startDate}${h.endDate === h.startDate ? '' : `..${h.endDate}`} (${h.greeting} greeting)`)],
    ['Business-hours greeting', a.greetings.businessHours], ['After-hours greeting', a.greetings.afterHours],
    ['Business-hours keys', menu(a.keys.business)], ['After-hours keys', menu(a.keys.after)],
    ['Operator (0)', a.operatorExtension ?? '(none)'], ['Dial by extension (#)', a.dialByExtension],
    ['Dial by name (*)', a.dialByName], ['Language', a.language ?? '(the dial plan\'s)'],
  ]);
}

function hoursOption(p: Parsed, command: string): string {
  const h = str(p, 'hours');
  if (h === undefined) throw new OpenUmError('BAD_ARGUMENT', `'openum autoattendant ${command}' needs --hours business or --hours after`);
  return h;
}

const commands: CommandTable = {
  async new(argv) {
    const p = parse('autoattendant new', argv, { ...OPTIONS, 'dial-plan': { type: 'string' } },
      { min: 1, max: 1, usage: 'NAME --dial-plan DP [--number N]... [--time-zone TZ] [--business-hours R]... …' });
    if (p.values.help) return void console.log(HELP);
    const dialPlan = str(p, 'dial-plan');
    if (dialPlan === undefined) throw new OpenUmError('BAD_ARGUMENT', "'openum autoattendant new' needs --dial-plan DP (the dial plan it answers in)");
    await withNode(p, async (node) => show(await createAutoAttendant(node.store.db, node.actor, p.positionals[0] ?? '', { ...input(p), dialPlan }), flag(p, 'json')));
  },
  async set(argv) {
    const p = parse('autoattendant set', argv, { ...OPTIONS, 'new-name': { type: 'string' }, 'no-numbers': { type: 'boolean' }, 'no-operator': { type: 'boolean' } },
      { min: 1, max: 1, usage: 'NAME [--number N]... [--enabled on|off] [--time-zone TZ] … [--new-name NAME]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(
      await setAutoAttendant(node.store.db, node.actor, p.positionals[0] ?? '', { ...input(p), name: str(p, 'new-name') }), flag(p, 'json')));
  },
  async get(argv) {
    const p = parse('autoattendant get', argv, {}, { min: 1, max: 1, usage: 'NAME [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await getAutoAttendant(node.store.db, p.positionals[0] ?? ''), flag(p, 'json')));
  },
  async list(argv) {
    const p = parse('autoattendant list', argv, { 'dial-plan': { type: 'string' } }, { min: 0, max: 0, usage: '[--dial-plan DP] [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const all = await listAutoAttendants(node.store.db, { dialPlan: str(p, 'dial-plan') });
      if (flag(p, 'json')) return printJson(all);
      printTable(['NAME', 'DIAL PLAN', 'STATUS', 'TIME ZONE', 'PILOT NUMBERS'],
        all.map((a) => [a.name, a.dialPlanName, a.enabled ? 'enabled' : 'disabled', a.timeZone, a.numbers.join(', ') || '-']));
    });
  },
  async remove(argv) {
    const p = parse('autoattendant remove', argv, {}, { min: 1, max: 1, usage: 'NAME' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      await removeAutoAttendant(node.store.db, node.actor, p.positionals[0] ?? '');
      if (flag(p, 'json')) return printJson({ removed: p.positionals[0] });
      console.log(`removed auto attendant ${p.positionals[0]}`);
    });
  },
  async greeting(argv) {
    const p = parse('autoattendant greeting', argv, { hours: { type: 'string' }, holiday: { type: 'string' }, file: { type: 'string' }, clear: { type: 'boolean' } },
      { min: 1, max: 1, usage: 'NAME --hours business|after | --holiday H  --file greeting.wav | --clear' });
    if (p.values.help) return void console.log(HELP);
    const file = str(p, 'file');
    if ((file === undefined) === !flag(p, 'clear')) {
      throw new OpenUmError('BAD_ARGUMENT', "'openum autoattendant greeting' needs either --file greeting.wav (to set it) or --clear (back to the system prompt)");
    }
    const holiday = str(p, 'holiday');
    const hours = str(p, 'hours');
    if ((holiday === undefined) === (hours === undefined)) {
      throw new OpenUmError('BAD_ARGUMENT', "'openum autoattendant greeting' needs either --hours business|after or --holiday NAME");
    }
    const which: GreetingChoice = holiday !== undefined ? { holiday } : { hours: parseHours(hours ?? '') };
    // Read and convert before the store opens: a bad file changes nothing.
    const audio = file === undefined ? undefined : toGreetingWav(readInputFile(file));
    await withNode(p, async (node) => {
      const a = await setAutoAttendantGreeting(node.store.db, node.actor, p.positionals[0] ?? '', which, audio);
      if (flag(p, 'json')) return printJson(a);
      const what = holiday !== undefined ? `holiday greeting "${holiday}"` : `${hours} hours greeting`;
      console.log(audio ? `${what} of ${a.name} set: ${(audio.durationMs / 1000).toFixed(1)} s, 8 kHz mono 16-bit` : `${what} of ${a.name} cleared: the system prompt plays`);
    });
  },
  async key(argv) {
    const p = parse('autoattendant key', argv, {
      hours: { type: 'string' }, transfer: { type: 'string' }, autoattendant: { type: 'string' }, voicemail: { type: 'string' },
      announcement: { type: 'string' }, clear: { type: 'boolean' },
    }, { min: 2, max: 2, usage: 'NAME KEY --hours business|after (--transfer EXT | --autoattendant NAME | --voicemail USER | --announcement F | --clear)' });
    if (p.values.help) return void console.log(HELP);
    const hours = hoursOption(p, 'key');
    const [name = '', key = ''] = p.positionals;
    const given = ['transfer', 'autoattendant', 'voicemail', 'announcement', 'clear'].filter((o) => p.values[o] !== undefined);
    if (given.length !== 1) {
      throw new OpenUmError('BAD_ARGUMENT', "'openum autoattendant key' needs exactly one of --transfer EXT, --autoattendant NAME, --voicemail USER, --announcement file.wav or --clear");
    }
    const action = given[0] ?? '';
    const file = str(p, 'announcement');
    const audio = file === undefined ? undefined : toGreetingWav(readInputFile(file));
    await withNode(p, async (node) => {
      const a = action === 'clear'
        ? await clearKey(node.store.db, node.actor, name, hours, key)
        : await setKey(node.store.db, node.actor, name, hours, key, { action, target: str(p, action), audio });
      if (flag(p, 'json')) return printJson(a);
      const menuKeys = hours.toLowerCase().startsWith('b') ? a.keys.business : a.keys.after;
      const k = menuKeys.find((m) => m.key === key.trim());
      console.log(k ? `${a.name}, ${hours} hours, key ${k.key}: ${describeKey(k)}` : `${a.name}, ${hours} hours, key ${key}: cleared (an invalid entry)`);
    });
  },
  async holiday(argv) {
    const p = parse('autoattendant holiday', argv, { start: { type: 'string' }, end: { type: 'string' }, remove: { type: 'boolean' } },
      { min: 2, max: 2, usage: 'NAME HOLIDAY --start YYYY-MM-DD [--end YYYY-MM-DD] | NAME HOLIDAY --remove' });
    if (p.values.help) return void console.log(HELP);
    const [name = '', holiday = ''] = p.positionals;
    const start = str(p, 'start');
    if ((start === undefined) === !flag(p, 'remove')) {
      throw new OpenUmError('BAD_ARGUMENT', "'openum autoattendant holiday' needs either --start YYYY-MM-DD [--end YYYY-MM-DD] or --remove");
    }
    await withNode(p, async (node) => {
      const a = start === undefined
        ? await removeHoliday(node.store.db, node.actor, name, holiday)
        : await setHoliday(node.store.db, node.actor, name, holiday, start, str(p, 'end'));
      if (flag(p, 'json')) return printJson(a);
      const h = a.holidays.find((x) => x.name.toLowerCase() === holiday.trim().toLowerCase());
      console.log(h ? `${a.name}: holiday ${h.name} ${h.startDate}${h.endDate === h.startDate ? '' : ` to ${h.endDate}`}` : `${a.name}: holiday ${holiday} removed`);
    });
  },
};

export const autoAttendantCommand = (argv: string[]) => runSubcommand('autoattendant', commands, argv, HELP);
