// `openum admin account add|list|remove|password NAME`: administrators who sign in to the admin
// center with a password (besides admin tokens). A password is never a command-line argument:
// it comes from --password-file FILE (first line) or standard input.
import { createInterface } from 'node:readline';
import { OpenUmError } from '../../errors.js';
import { createAdminAccount, listAdminAccounts, removeAdminAccount, setAdminPassword } from '../../org/admin-accounts.js';
import { flag, parse, readInputFile, str } from '../args.js';
import { printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum admin account — administrators who sign in to the admin center with a password

  add NAME [--password-file FILE]        the password from FILE (first line) or standard input
  password NAME [--password-file FILE]   a new password; the account's sessions are signed out
  list [--json]
  remove NAME                            also signs the account out
Passwords have at least 10 characters.
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

async function readPassword(file: string | undefined): Promise<string> {
  if (file !== undefined) return readInputFile(file).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (process.stdin.isTTY) {
    throw new OpenUmError('BAD_ARGUMENT', 'give the password with --password-file FILE or on standard input (echo … | openum admin account add NAME)');
  }
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line;
  } finally {
    rl.close();
  }
  throw new OpenUmError('BAD_ARGUMENT', 'no password given: pipe it to the command or give --password-file FILE');
}

const commands: CommandTable = {
  async add(argv) {
    const p = parse('admin account add', argv, { 'password-file': { type: 'string' } }, { min: 1, max: 1, usage: 'NAME [--password-file FILE]' });
    if (p.values.help) return void console.log(HELP);
    const password = await readPassword(str(p, 'password-file'));
    await withNode(p, async (node) => {
      const a = await createAdminAccount(node.store.db, node.actor, p.positionals[0] ?? '', password);
      if (flag(p, 'json')) return printJson(a);
      console.log(`administrator account ${a.name} added`);
    });
  },
  async password(argv) {
    const p = parse('admin account password', argv, { 'password-file': { type: 'string' } }, { min: 1, max: 1, usage: 'NAME [--password-file FILE]' });
    if (p.values.help) return void console.log(HELP);
    const password = await readPassword(str(p, 'password-file'));
    await withNode(p, async (node) => {
      const a = await setAdminPassword(node.store.db, node.actor, p.positionals[0] ?? '', password);
      if (flag(p, 'json')) return printJson(a);
      console.log(`password of ${a.name} changed; its sessions were signed out`);
    });
  },
  async list(argv) {
    const p = parse('admin account list', argv, {}, { min: 0, max: 0, usage: '[--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const all = await listAdminAccounts(node.store.db);
      if (flag(p, 'json')) return printJson(all);
      printTable(['NAME', 'CREATED', 'CHANGED'], all.map((a) => [a.name, a.createdAt, a.updatedAt]));
    });
  },
  async remove(argv) {
    const p = parse('admin account remove', argv, {}, { min: 1, max: 1, usage: 'NAME' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      await removeAdminAccount(node.store.db, node.actor, p.positionals[0] ?? '');
      if (flag(p, 'json')) return printJson({ removed: p.positionals[0] });
      console.log(`administrator account ${p.positionals[0]} removed`);
    });
  },
};

export const adminAccountCommand = (argv: string[]) => runSubcommand('admin account', commands, argv, HELP);
