// What a fuzz target is (npm run fuzz, scripts/fuzz.mjs; the sample in fuzz-sample.test.ts).
// A target owns its inputs (a fast-check arbitrary), how to run one, and how an input is kept as
// a fixture file. "Crash" is defined per target by run(): it returns for every outcome the code
// under test is allowed to have (a parse, or the module's own typed error) and throws for
// anything else, which the runner counts: another exception, a broken property (FuzzPropertyError),
// or, for the admin API, a 500. Time per input is the runner's (a hang: see run-target.ts).
import type fc from 'fast-check';

export interface FuzzTarget<T = unknown> {
  readonly name: string;
  /** One line for the report: what is fed and what counts as a crash. */
  readonly describe: string;
  /** Share of FUZZ_INPUTS this target gets in a full run. */
  readonly weight: number;
  /** Milliseconds one input may take before it counts as a hang. */
  readonly hangMs: number;
  /** Called once before the first input (servers, corpora). */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  arbitrary(): fc.Arbitrary<T>;
  /** Returns for allowed outcomes; throws for a crash. */
  run(input: T): void | Promise<void>;
  /** The input as a fixture file's bytes (raw bytes for byte targets, JSON otherwise). */
  encode(input: T): Buffer;
  decode(file: Buffer): T;
  /** Counts worth reporting beside crashes (the admin API's answers by status). */
  stats?(): Record<string, number>;
  /** The fixture file extension: 'bin' or 'json'. */
  readonly ext: 'bin' | 'json';
}

/** A property the code must keep broke (not an exception from the code itself). */
export class FuzzPropertyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzPropertyError';
  }
}

export function check(ok: boolean, message: string | (() => string)): asserts ok {
  if (!ok) throw new FuzzPropertyError(typeof message === 'string' ? message : message());
}

/** A short stable name for a crash: error name, message with numbers blanked, first frame in src/. */
export function crashSignature(e: unknown): string {
  if (!(e instanceof Error)) return `non-error: ${typeof e}`;
  const message = e.message.split('\n')[0]!.replace(/\d+/g, 'N').slice(0, 120);
  const frame = (e.stack ?? '').split('\n').find((l) => l.includes('/src/'))?.trim().replace(/:\d+\)?$/, '').replace(/^at /, '') ?? '';
  return `${e.name}: ${message}${frame ? ` @ ${frame.replace(/.*\/(src\/)/, '$1')}` : ''}`;
}

/** Buffers survive JSON as hex strings: { "$hex": "…" }. */
export function toJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return { $hex: Buffer.from((v as { data: number[] }).data).toString('hex') };
    }
    return v;
  }, 1));
}

export function fromJson<T>(file: Buffer): T {
  return JSON.parse(file.toString('utf8'), (_k, v: unknown) => {
    if (v && typeof v === 'object' && typeof (v as { $hex?: unknown }).$hex === 'string') return Buffer.from((v as { $hex: string }).$hex, 'hex');
    // Hand-shrunk fixtures: { "$concat": ["text", ["a", 70000], "text"] } (latin1, [piece, times]).
    const parts = v && typeof v === 'object' ? (v as { $concat?: unknown }).$concat : undefined;
    if (Array.isArray(parts)) {
      return Buffer.from(parts.map((p) => (Array.isArray(p) ? String(p[0]).repeat(Number(p[1])) : String(p))).join(''), 'latin1');
    }
    return v;
  }) as T;
}
