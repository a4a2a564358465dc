// `openum audit`: who changed what, and when.
import { OpenUmError } from '../../errors.js';
import { readAudit } from '../../store/audit.js';
import { flag, parse, str } from '../args.js';
import { printJson, printTable } from '../output.js';
import { withNode } from '../session.js';

export async function auditCommand(argv: string[]): Promise<void> {
  const p = parse('audit', argv, { limit: { type: 'string' }, action: { type: 'string' }, before: { type: 'string' } }, { min: 0, max: 0, usage: '[--limit N] [--action PREFIX] [--before ID] [--json]' });
  if (p.values.help) return void console.log('openum audit [--limit N] [--action PREFIX] [--before ID] [--json] — the newest changes first; --before ID pages on to older ones');
  const limitText = str(p, 'limit') ?? '50';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new OpenUmError('BAD_ARGUMENT', `--limit must be a whole number from 1 to 10000 (got "${limitText}")`);
  const beforeText = str(p, 'before');
  const before = beforeText === undefined ? undefined : Number(beforeText);
  if (before !== undefined && (!Number.isInteger(before) || before < 1)) throw new OpenUmError('BAD_ARGUMENT', `--before must be an audit entry id, a whole number from 1 (got "${beforeText}")`);
  await withNode(p, async (node) => {
    const entries = await readAudit(node.store.db, { limit, action: str(p, 'action'), before });
    if (flag(p, 'json')) return printJson(entries);
    printTable(['WHEN', 'WHO', 'WHAT', 'TARGET', 'DETAILS'], entries.map((e) => [e.at, e.actor, e.action, e.target, JSON.stringify(e.details)]));
  });
}
