// The process logger (pino) on stderr, so stdout stays for what commands print. JSON lines when
// stderr is not a terminal (journald, files, log shippers) or with --log-format json; on a
// terminal one aligned line per event: time, level, role, message, then the other fields as
// key=value. `openum start` settles the format and level once and hands them to the Call Router
// and worker processes through the environment, so every process of a node writes the same way.
import { writeSync } from 'node:fs';
import { pino, type DestinationStream, type Logger } from 'pino';
import { OpenUmError } from '../errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `level`/`format` given (flags) or the environment's; format defaults to text on a terminal. */
export function logSettings(given: { level?: string; format?: string } = {}, env: NodeJS.ProcessEnv = process.env): { level: string; format: LogFormat } {
  const level = given.level ?? (env.OPENUM_LOG_LEVEL || 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new OpenUmError('BAD_ARGUMENT', `--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${level}")`);
  }
  const format = given.format ?? (env.OPENUM_LOG_FORMAT || (process.stderr.isTTY ? 'text' : 'json'));
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new OpenUmError('BAD_ARGUMENT', `--log-format must be text or json (got "${format}")`);
  }
  return { level, format: format as LogFormat };
}

/**
 * `processName` names the process in every line (main, call-router-1, worker-2); `level` given
 * here wins over the environment (tests pass 'silent').
 */
export function createLogger(level?: string, processName = 'main'): Logger {
  const s = logSettings(level === undefined ? {} : { level });
  const base = { pid: process.pid, proc: processName };
  if (s.format === 'json') return pino({ level: s.level, base }, pino.destination(2));
  return pino({ level: s.level, base }, textDestination(colours()));
}

function colours(): boolean {
  return !!process.stderr.isTTY && !process.env.NO_COLOR;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields shown in the line's fixed columns or not at all. */
const FIXED = new Set(['time', 'level', 'msg', 'pid', 'proc', 'role', 'hostname', 'v']);
const ROLE_WIDTH = 14;

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v && typeof v === 'object' && 'message' in v && 'type' in v) return JSON.stringify((v as { message: unknown }).message);
  return JSON.stringify(v) ?? String(v);
}

/** One pino JSON record as an aligned line: `15:04:05.123 INFO  call-router-1  message key=value`. */
export function formatLine(record: Record<string, unknown>, colour = false): string {
  const t = new Date(typeof record.time === 'number' ? record.time : Date.now());
  const time = `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}:${String(t.getSeconds()).padStart(2, '0')}.${String(t.getMilliseconds()).padStart(3, '0')}`;
  const n = typeof record.level === 'number' ? record.level : 30;
  let level = (LEVEL_NAMES[n] ?? String(n)).padEnd(5);
  if (colour) level = `\x1b[${LEVEL_COLOURS[n] ?? '0'}m${level}\x1b[0m`;
  const proc = typeof record.proc === 'string' ? record.proc : 'main';
  const role = typeof record.role === 'string' && !proc.startsWith(record.role) ? record.role : proc;
  // A Call Router or worker process's own number is in its name already.
  const own = proc.startsWith('worker-') ? 'worker' : proc.startsWith('call-router-') ? 'router' : '';
  const fields = Object.entries(record).filter(([k, v]) => !FIXED.has(k) && k !== own && v !== undefined).map(([k, v]) => `${k}=${value(v)}`);
  const stack = record.err && typeof record.err === 'object' && typeof (record.err as { stack?: unknown }).stack === 'string' && n >= 50
    ? `\n${(record.err as { stack: string }).stack}` : '';
  return `${time} ${level} ${role.padEnd(ROLE_WIDTH)} ${String(record.msg ?? '')}${fields.length ? '  ' + fields.join(' ') : ''}${stack}\n`;
}

/** A synchronous stderr destination that turns pino's JSON lines into formatLine's. */
function textDestination(colour: boolean): DestinationStream {
  return {
    write(line: string): void {
      let text: string;
      try {
        text = formatLine(JSON.parse(line) as Record<string, unknown>, colour);
      } catch {
        text = line;
      }
      try {
        writeSync(2, text);
      } catch {
        // stderr closed: nothing to tell anyone
      }
    },
  };
}
