// Command-line parsing on node:util parseArgs, with errors that name the fix.
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OpenUmError } from '../errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const COMMON: Options = {
  data: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: Options, positionals: { min: number; max: number; usage: string }): Parsed {
  let parsed: Parsed;
  const all = { ...COMMON, ...options };
  try {
    parsed = parseArgs({ args: negativeValues(argv, all), options: all, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const m = /'(-[^']*)'/.exec((e as Error).message);
    const opt = m?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new OpenUmError('BAD_ARGUMENT', `unknown option ${opt} for 'openum ${command}'; 'openum ${command} --help' lists its options`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new OpenUmError('BAD_ARGUMENT', `option ${opt || (e as Error).message} of 'openum ${command}' needs a value (usage: openum ${command} ${positionals.usage})`);
    }
    throw new OpenUmError('BAD_ARGUMENT', `${(e as Error).message} (usage: openum ${command} ${positionals.usage})`);
  }
  if (parsed.values.help) return parsed;
  if (parsed.positionals.length < positionals.min) {
    throw new OpenUmError('BAD_ARGUMENT', `'openum ${command}' is missing an argument; usage: openum ${command} ${positionals.usage}`);
  }
  if (parsed.positionals.length > positionals.max) {
    throw new OpenUmError('BAD_ARGUMENT', `'openum ${command}' got an unexpected argument "${parsed.positionals[positionals.max]}"; usage: openum ${command} ${positionals.usage}`);
  }
  return parsed;
}

/**
 * parseArgs takes "-5" after "--max-calls" for an option, so "needs a value" would hide the real
 * problem; joined as "--max-calls=-5" the value reaches the option's own check ("must be a whole
 * number from 1 to …"), which names it.
 */
function negativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    const name = /^--([\w-]+)$/.exec(a)?.[1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(p: Parsed, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new OpenUmError('FILE_NOT_FOUND', `cannot read ${path}: ${why}`);
  }
}

/** --password P, or --password-file F (first line), or undefined. */
export function password(p: Parsed): string | undefined {
  const direct = str(p, 'password');
  const file = str(p, 'password-file');
  if (direct !== undefined && file !== undefined) {
    throw new OpenUmError('BAD_ARGUMENT', 'give either --password or --password-file, not both');
  }
  if (file !== undefined) return readInputFile(file).toString('utf8').split(/\r?\n/)[0] ?? '';
  return direct;
}

/** A wrong password read from --password-file is reported with that flag, not --password. */
export function namePasswordFile(e: unknown, file: string | undefined): unknown {
  if (file === undefined || !(e instanceof OpenUmError) || !/--password\b(?!-)/.test(e.message)) return e;
  return new OpenUmError(e.code, e.message.replace(/--password\b(?!-)/g, `--password-file ${file} (its first line)`), { cause: e });
}

export const PASSWORD_OPTIONS: Options = {
  password: { type: 'string' },
  'password-file': { type: 'string' },
};
