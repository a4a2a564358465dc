// `openum user new|set|get|list|remove`: UM-enabled mailboxes (Enable-/Set-/Get-/Disable-UMMailbox).
import { OpenUmError } from '../../errors.js';
import type { UmUser } from '../../org/organisation-types.js';
import { createUser, getUser, listUsers, removeUser, setUser } from '../../org/users.js';
import type { UserAudioKind } from '../../org/user-greetings.js';
import { openMailbox } from '../../services/mailbox/open-mailbox.js';
import { toGreetingWav } from '../../services/voicemail/greeting-audio.js';
import { flag, parse, readInputFile, str, type Options, type Parsed } from '../args.js';
import { userPinCommand } from './user-pin.js';
import { printFields, printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum user — UM-enabled mailboxes

  new NAME --extension N --dial-plan DP --email E [--display-name TEXT] [--sip-uri sip:user@domain] [--enabled on|off]
      [--policy POLICY]
        the mailbox policy is the dial plan's default unless --policy names another of it; the extension has the dial plan's number of digits and is unique in it; a SipName
        dial plan needs --sip-uri; SIP URI and e-mail address are unique
  set NAME [--extension N] [--dial-plan DP] [--email E] [--display-name TEXT] [--sip-uri URI|""]
      [--enabled on|off] [--new-name NAME] [--policy POLICY]   (a new dial plan brings its default policy)
      [--call-answering on|off]   off: UM does not answer calls diverted to the user (refused with 480)
      [--missed-call-notifications on|off|policy]   policy: the mailbox policy's setting
      [--language en|it|es|fr|default]   the user's prompts; default: the dial plan's language
  get NAME [--json]
  list [--dial-plan DP] [--json]
  remove NAME             also removes the user's voice messages, their audio and its greeting
  greeting NAME --file greeting.wav   the user's own voice-mail greeting: any PCM WAV (rate,
                          channels, bit depth), at most 5 minutes; stored as 8 kHz mono 16-bit
  greeting NAME --clear   back to the system greeting
  recorded-name NAME --file name.wav | --clear   the name the directory and auto attendant say (at most 10 s)
  pin set|reset|unlock|get NAME   the PIN for reaching the mailbox by phone (openum user pin --help)
  invite NAME [--no-email] [--json]   a one-time link (7 days) to set a web password, mailed to the
                          user unless --no-email (or no SMTP server is set); printed either way
  unlock-web NAME         unlocks a web account locked after too many wrong passwords
  web NAME [--json]       whether a web password is set, wrong passwords, locked
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

const OPTIONS: Options = {
  extension: { type: 'string' }, 'dial-plan': { type: 'string' }, email: { type: 'string' },
  'display-name': { type: 'string' }, 'sip-uri': { type: 'string' }, enabled: { type: 'string' }, policy: { type: 'string' },
  'call-answering': { type: 'string' }, 'missed-call-notifications': { type: 'string' }, language: { type: 'string' },
};

function show(u: UmUser, json: boolean): void {
  if (json) return printJson(u);
  printFields([['Name', u.name], ['Display name', u.displayName], ['Extension', u.extension], ['Dial plan', u.dialPlanName],
    ['SIP URI', u.sipUri], ['E-mail address', u.email], ['UM enabled', u.umEnabled], ['Mailbox policy', u.policyName],
    ['Call answering', u.callAnswering], ['Missed-call notifications', u.missedCallNotifications ?? 'policy'], ['Language', u.language ?? 'dial plan default']]);
}

/** --call-answering, --missed-call-notifications and --language, checked in CLI words. */
function settingFlags(p: Parsed): { callAnswering?: string; missedCallNotifications?: string; language?: string } {
  const check = (flagName: string, allowed: RegExp, words: string): string | undefined => {
    const v = str(p, flagName);
    if (v !== undefined && !allowed.test(v.trim())) throw new OpenUmError('BAD_SETTING', `--${flagName} takes ${words} (got "${v}")`);
    return v;
  };
  const callAnswering = check('call-answering', /^(on|off)$/i, 'on or off');
  const missedCallNotifications = check('missed-call-notifications', /^(on|off|policy)$/i, 'on, off or policy');
  const language = check('language', /^(en|it|es|fr|default|en-US|it-IT|es-ES|fr-FR)$/i, 'en, it, es, fr or default');
  return {
    ...(callAnswering === undefined ? {} : { callAnswering }),
    ...(missedCallNotifications === undefined ? {} : { missedCallNotifications }),
    ...(language === undefined ? {} : { language }),
  };
}

const commands: CommandTable = {
  pin: (argv) => userPinCommand(argv),
  invite: async (argv) => (await import('./user-web.js')).userInvite(argv, HELP),
  'unlock-web': async (argv) => (await import('./user-web.js')).userUnlockWeb(argv, HELP),
  web: async (argv) => (await import('./user-web.js')).userWeb(argv, HELP),
  async new(argv) {
    const p = parse('user new', argv, OPTIONS, { min: 1, max: 1, usage: 'NAME --extension N --dial-plan DP --email E [--sip-uri URI]' });
    if (p.values.help) return void console.log(HELP);
    const extension = str(p, 'extension');
    const dialPlan = str(p, 'dial-plan');
    const email = str(p, 'email');
    if (extension === undefined || dialPlan === undefined || email === undefined) {
      throw new OpenUmError('BAD_ARGUMENT', "'openum user new' needs --extension N, --dial-plan DP and --email E");
    }
    await withNode(p, async (node) => show(await createUser(node.store.db, node.actor, p.positionals[0] ?? '', {
      extension, dialPlan, email, displayName: str(p, 'display-name'), sipUri: str(p, 'sip-uri'), umEnabled: str(p, 'enabled'), policy: str(p, 'policy'),
      ...settingFlags(p),
    }), flag(p, 'json')));
  },
  async set(argv) {
    const p = parse('user set', argv, { ...OPTIONS, 'new-name': { type: 'string' } }, { min: 1, max: 1, usage: 'NAME [--extension N] [--dial-plan DP] …' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await setUser(node.store.db, node.actor, p.positionals[0] ?? '', {
      name: str(p, 'new-name'), extension: str(p, 'extension'), dialPlan: str(p, 'dial-plan'), email: str(p, 'email'),
      displayName: str(p, 'display-name'), sipUri: str(p, 'sip-uri'), umEnabled: str(p, 'enabled'), policy: str(p, 'policy'),
      ...settingFlags(p),
    }), flag(p, 'json')));
  },
  async get(argv) {
    const p = parse('user get', argv, {}, { min: 1, max: 1, usage: 'NAME [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await getUser(node.store.db, p.positionals[0] ?? ''), flag(p, 'json')));
  },
  async list(argv) {
    const p = parse('user list', argv, { 'dial-plan': { type: 'string' } }, { min: 0, max: 0, usage: '[--dial-plan DP] [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const users = await listUsers(node.store.db, { dialPlan: str(p, 'dial-plan') });
      if (flag(p, 'json')) return printJson(users);
      printTable(['NAME', 'EXTENSION', 'DIAL PLAN', 'SIP URI', 'E-MAIL', 'UM'], users.map((u) => [
        u.name, u.extension, u.dialPlanName, u.sipUri ?? '-', u.email, u.umEnabled ? 'enabled' : 'disabled']));
    });
  },
  async remove(argv) {
    const p = parse('user remove', argv, {}, { min: 1, max: 1, usage: 'NAME' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      await removeUser(node.store.db, node.actor, p.positionals[0] ?? '', { dataDir: node.dataDir });
      if (flag(p, 'json')) return printJson({ removed: p.positionals[0] });
      console.log(`removed user ${p.positionals[0]}`);
    });
  },
  greeting: (argv) => userAudio('greeting', argv),
  'recorded-name': (argv) => userAudio('name', argv),
};

/** `user greeting` and `user recorded-name`: set from a WAV file or clear, through the mailbox. */
async function userAudio(kind: UserAudioKind, argv: string[]): Promise<void> {
  const command = kind === 'greeting' ? 'greeting' : 'recorded-name';
  const label = kind === 'greeting' ? 'greeting' : 'recorded name';
  const p = parse(`user ${command}`, argv, { file: { type: 'string' }, clear: { type: 'boolean' } }, { min: 1, max: 1, usage: `NAME --file ${kind}.wav | NAME --clear` });
  if (p.values.help) return void console.log(HELP);
  const file = str(p, 'file');
  const clear = flag(p, 'clear');
  if ((file === undefined) === !clear) {
    throw new OpenUmError('BAD_ARGUMENT', `'openum user ${command}' needs either --file ${kind}.wav (to set it) or --clear (to remove it)`);
  }
  const name = p.positionals[0] ?? '';
  // The file is read and converted before the store is opened: a bad file changes nothing.
  const audio = file === undefined ? undefined : toGreetingWav(readInputFile(file));
  await withNode(p, async (node) => {
    const mailbox = openMailbox(node);
    if (audio) {
      const r = await mailbox.setUserAudio(node.actor, kind, name, audio);
      if (flag(p, 'json')) return printJson(r);
      return void console.log(`${label} of ${r.user} set: ${(r.durationMs / 1000).toFixed(1)} s, 8 kHz mono 16-bit`);
    }
    const removed = await mailbox.clearUserAudio(node.actor, kind, name);
    if (flag(p, 'json')) return printJson({ user: name, cleared: removed });
    if (kind === 'greeting') {
      return void console.log(removed ? `greeting of ${name} removed: the system greeting plays` : `${name} had no greeting of its own: the system greeting plays`);
    }
    console.log(removed ? `recorded name of ${name} removed: the extension is spoken instead` : `${name} had no recorded name`);
  });
}

export const userCommand = (argv: string[]) => runSubcommand('user', commands, argv, HELP);
