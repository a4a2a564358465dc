// `openum calls` and `openum refusals`: what the running server holds in memory — the calls in
// progress on its workers, and the last calls its Call Router, UM service and workers refused,
// with the reason they were given. Asked through the server's control socket.
import { OpenUmError } from '../../errors.js';
import type { CallsReport } from '../../services/live-status.js';
import { readNodeName, resolveDataDir } from '../../services/node.js';
import type { RefusalEntry } from '../../services/routing/refusal-log.js';
import { flag, parse, str, type Parsed } from '../args.js';
import { askServer } from '../control-client.js';
import { printJson, printTable } from '../output.js';

const CALLS_HELP = `openum calls [--json]
  The calls in progress on the running server: worker, call type, direction, caller, number
  called, UM IP gateway, dial plan, user, transport and media. --json gives { calls, totals }.`;

const REFUSALS_HELP = `openum refusals [--limit N] [--json]
  The last calls (and other requests) the running server refused, newest first: when, which role
  (Call Router, UM service, worker), the SIP status and reason, who sent it and from where.
  Each process keeps its last 200. --limit: how many to show (1-1000, default 50).`;

function dataDirOf(p: Parsed): string {
  const dataDir = resolveDataDir(str(p, 'data'));
  if (readNodeName(dataDir) === undefined) {
    throw new OpenUmError('STORE_UNAVAILABLE', `the data directory ${dataDir} is not initialised: run 'openum start --data ${dataDir}' (or 'openum init') first`);
  }
  return dataDir;
}

/** "2026-12-06T14:20:03.120Z" → "14:20:03" for today, else the date too. */
function when(iso: string): string {
  const today = new Date().toISOString().slice(0, 10);
  return iso.startsWith(today) ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

const TYPE_WORDS: Record<string, string> = {
  callAnswering: 'call answering', subscriberAccess: 'subscriber access', autoAttendant: 'auto attendant', playOnPhone: 'Play on Phone',
};

const ROLE_WORDS: Record<string, string> = { callRouter: 'Call Router', umService: 'UM service', worker: 'UM worker' };

export async function callsCommand(argv: string[]): Promise<void> {
  const p = parse('calls', argv, {}, { min: 0, max: 0, usage: '[--json]' });
  if (p.values.help) return void console.log(CALLS_HELP);
  const report = await askServer(dataDirOf(p), { op: 'calls' }) as CallsReport;
  if (flag(p, 'json')) return printJson(report);
  const { calls, totals } = report;
  if (calls.length > 0) {
    printTable(['SINCE', 'WORKER', 'TYPE', 'DIRECTION', 'FROM', 'TO', 'GATEWAY', 'DIAL PLAN', 'USER', 'TRANSPORT', 'MEDIA', 'CALL-ID'],
      calls.map((c) => [when(c.startedAt), String(c.worker), TYPE_WORDS[c.type] ?? c.type, c.direction, c.from || 'anonymous', c.to,
        c.gateway ?? '-', c.dialPlan ?? '-', c.user ?? '-', c.transport.toUpperCase(), c.media, c.id]));
  }
  const setUp = totals.byRole.umService;
  console.log(`${calls.length === 0 ? 'no' : calls.length} call${calls.length === 1 ? '' : 's'} in progress${setUp ? `, ${setUp} being set up (redirected by the UM service)` : ''}`);
}

export async function refusalsCommand(argv: string[]): Promise<void> {
  const p = parse('refusals', argv, { limit: { type: 'string' } }, { min: 0, max: 0, usage: '[--limit N] [--json]' });
  if (p.values.help) return void console.log(REFUSALS_HELP);
  const limitText = str(p, 'limit') ?? '50';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new OpenUmError('BAD_ARGUMENT', `--limit must be a whole number from 1 to 1000 (got "${limitText}")`);
  const refusals = await askServer(dataDirOf(p), { op: 'refusals', limit }) as RefusalEntry[];
  if (flag(p, 'json')) return printJson(refusals);
  if (refusals.length === 0) return void console.log('no refusals since the server started');
  printTable(['WHEN', 'ROLE', 'STATUS', 'METHOD', 'FROM', 'TO', 'PEER', 'TRANSPORT', 'GATEWAY', 'REASON'],
    refusals.map((r) => [when(r.at), r.role === 'worker' && r.worker ? `UM worker ${r.worker}` : ROLE_WORDS[r.role] ?? r.role, String(r.status), r.method,
      r.from, r.to, r.peer, r.transport.toUpperCase(), r.gateway ?? '-', r.reason]));
}
