// The process logger: JSON lines (pino) on stderr, so stdout stays for what commands print.
import { pino, type Logger } from 'pino';

export function createLogger(level = process.env.OPENUM_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}
