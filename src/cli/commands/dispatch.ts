// Sub-command dispatch shared by the command groups.
import { OpenUmError } from '../../errors.js';

export type CommandTable = Record<string, (argv: string[]) => Promise<void>>;

export async function runSubcommand(group: string, table: CommandTable, argv: string[], help: string): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(help);
    if (sub === undefined) throw new OpenUmError('BAD_ARGUMENT', `'openum ${group}' needs a sub-command: ${Object.keys(table).filter((k) => k !== 'disable').join(', ')}`);
    return;
  }
  const run = Object.hasOwn(table, sub) ? table[sub] : undefined;
  if (!run) {
    throw new OpenUmError('UNKNOWN_COMMAND', `unknown command 'openum ${group} ${sub}'; choose one of: ${Object.keys(table).filter((k) => k !== 'disable').join(', ')}`);
  }
  await run(rest);
}
