// `openum token new|list|revoke`: administrator tokens for the admin API.
import { OpenUmError } from '../../errors.js';
import { createAdminToken, listAdminTokens, revokeAdminToken } from '../../services/admin-tokens.js';
import { flag, parse, str } from '../args.js';
import { printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum token — administrator tokens for the admin API (Authorization: Bearer …)
  new [--name NAME]   make a token; it is shown once
  list [--json]
  revoke ID`;

const commands: CommandTable = {
  async new(argv) {
    const p = parse('token new', argv, { name: { type: 'string' } }, { min: 0, max: 0, usage: '[--name NAME]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const { token, view } = await createAdminToken(node.store.db, node.actor, str(p, 'name') ?? 'admin');
      if (flag(p, 'json')) return printJson({ ...view, token });
      console.log(token);
      console.error(`token ${view.id} (${view.name}) created; it is not shown again`);
    });
  },
  async list(argv) {
    const p = parse('token list', argv, {}, { min: 0, max: 0, usage: '[--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const tokens = await listAdminTokens(node.store.db);
      if (flag(p, 'json')) return printJson(tokens);
      printTable(['ID', 'NAME', 'CREATED', 'LAST USED'], tokens.map((t) => [String(t.id), t.name, t.createdAt, t.lastUsedAt ?? '-']));
    });
  },
  async revoke(argv) {
    const p = parse('token revoke', argv, {}, { min: 1, max: 1, usage: 'ID' });
    if (p.values.help) return void console.log(HELP);
    const id = Number(p.positionals[0]);
    if (!Number.isInteger(id)) throw new OpenUmError('BAD_ARGUMENT', `token id must be a number; 'openum token list' shows them`);
    await withNode(p, async (node) => {
      await revokeAdminToken(node.store.db, node.actor, id);
      console.log(`revoked token ${id}`);
    });
  },
};

export const tokenCommand = (argv: string[]) => runSubcommand('token', commands, argv, HELP);
