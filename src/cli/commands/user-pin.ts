// `openum user pin set|reset|unlock|get NAME` (Set-UMMailboxPIN): a user's PIN for reaching the
// mailbox by phone. A PIN is never a command-line argument (it would sit in the shell history and
// in every `ps`): `set` reads it from --pin-file or standard input; `reset` prints the new random
// PIN once.
import { createInterface } from 'node:readline';
import { OpenUmError } from '../../errors.js';
import { getPinStatus, resetPin, setPin, unlockPin, type PinStatus } from '../../org/user-pins.js';
import { flag, parse, readInputFile, str } from '../args.js';
import { printFields, printJson } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum user pin — a user's PIN for reaching the mailbox by phone

  set NAME [--pin-file FILE] [--no-expire]   the PIN from FILE (first line) or standard input:
                           echo 583901 | openum user pin set alice
                           it must change at the next logon unless --no-expire
  reset NAME               a new random PIN that obeys the user's mailbox policy, printed once;
                           it must change at the next logon
  unlock NAME              unlocks a mailbox locked after too many wrong PINs
  get NAME [--json]        whether a PIN is set, must change, failures, locked
The rules are the user's mailbox policy's (openum policy get NAME).
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

async function readPin(file: string | undefined): Promise<string> {
  if (file !== undefined) return (readInputFile(file).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
  if (process.stdin.isTTY) process.stderr.write('PIN: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line.trim();
  } finally {
    rl.close();
  }
  throw new OpenUmError('BAD_ARGUMENT', "no PIN given: pipe it to 'openum user pin set NAME' or give --pin-file FILE");
}

function show(s: PinStatus, json: boolean): void {
  if (json) return printJson(s);
  printFields([['User', s.user], ['PIN set', s.isSet], ['Must change at next logon', s.mustChange], ['Set at', s.setAt],
    ['Expires at', s.expiresAt ?? (s.isSet ? 'never' : null)], ['Wrong PINs since reset', s.failures], ['Wrong PINs since logon', s.attempts],
    ['Locked', s.locked], ['Mailbox policy', s.policy]]);
}

const commands: CommandTable = {
  async set(argv) {
    const p = parse('user pin set', argv, { 'pin-file': { type: 'string' }, 'no-expire': { type: 'boolean' } }, { min: 1, max: 1, usage: 'NAME [--pin-file FILE] (or the PIN on standard input)' });
    if (p.values.help) return void console.log(HELP);
    const pin = await readPin(str(p, 'pin-file'));
    if (pin === '') throw new OpenUmError('BAD_PIN', "the PIN is empty: give a PIN of digits on standard input or in --pin-file FILE");
    await withNode(p, async (node) => {
      const s = await setPin(node.store.db, node.actor, p.positionals[0] ?? '', pin, { mustChange: !flag(p, 'no-expire') });
      if (flag(p, 'json')) return printJson(s);
      console.log(`PIN of ${s.user} set${s.mustChange ? '; it must be changed at the next logon' : ''}`);
    });
  },
  async reset(argv) {
    const p = parse('user pin reset', argv, {}, { min: 1, max: 1, usage: 'NAME' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const { pin, status } = await resetPin(node.store.db, node.actor, p.positionals[0] ?? '');
      if (flag(p, 'json')) return printJson({ ...status, pin });
      console.log(`new PIN of ${status.user}: ${pin}\n(shown once; it must be changed at the next logon)`);
    });
  },
  async unlock(argv) {
    const p = parse('user pin unlock', argv, {}, { min: 1, max: 1, usage: 'NAME' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const s = await unlockPin(node.store.db, node.actor, p.positionals[0] ?? '');
      if (flag(p, 'json')) return printJson(s);
      console.log(`mailbox of ${s.user} unlocked`);
    });
  },
  async get(argv) {
    const p = parse('user pin get', argv, {}, { min: 1, max: 1, usage: 'NAME [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await getPinStatus(node.store.db, p.positionals[0] ?? ''), flag(p, 'json')));
  },
};

export const userPinCommand = (argv: string[]) => runSubcommand('user pin', commands, argv, HELP);
