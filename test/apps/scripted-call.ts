// A fake `Call` that replays a caller's scripted keys, for the call applications' flow tests.
// Script tokens, one per point where the caller acts:
//   '1002'  keys pressed when the application next waits for digits (after its prompt)
//   '~1'    keys pressed during the next prompt that digits may interrupt (type-ahead)
//   'T'     the caller presses nothing until the timeout
//   'H'     the caller hangs up
// Prompts are fake too: each prompt name is one sample whose value says which it was, so what the
// caller heard reads back as names (`heard`).
import type {
  Call, CollectOptions, CollectResult, HangupCause, PlayResult, RecordResult, TransferResult,
} from '../../src/apps/call.js';

export class FakePrompts {
  readonly #ids = new Map<string, number>();
  readonly #names = new Map<number, string>();

  /** A unique one-sample "recording" standing for `name` (custom greetings, recorded names). */
  audio(name: string): Int16Array {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#ids.size + 1;
      this.#ids.set(name, id);
      this.#names.set(id, name);
    }
    return Int16Array.of(id);
  }

  load(name: string, lang: string): Promise<Int16Array> {
    return Promise.resolve(this.audio(lang === 'en-US' ? name : `${lang}/${name}`));
  }

  names(samples: Int16Array): string[] {
    return [...samples].map((s) => this.#names.get(s) ?? `?${s}`);
  }
}

export class ScriptedCall implements Call {
  readonly callId = 'scripted-call';
  active = true;
  readonly ended: Promise<HangupCause>;
  /** Each play: the prompt names heard, '(cut)' appended when a digit stopped it. */
  readonly heard: string[][] = [];
  readonly transfers: string[] = [];
  readonly collects: CollectOptions[] = [];
  readonly #prompts: FakePrompts;
  readonly #script: string[];
  readonly #transferResults: TransferResult[];
  #buffer = '';
  #end!: (cause: HangupCause) => void;

  constructor(prompts: FakePrompts, script: string[], options: { transferResults?: TransferResult[] } = {}) {
    this.#prompts = prompts;
    this.#script = [...script];
    this.#transferResults = [...(options.transferResults ?? [])];
    this.ended = new Promise((resolve) => { this.#end = resolve; });
  }

  /** Every prompt name heard, in order, flattened. */
  get flat(): string[] {
    return this.heard.flat();
  }

  get unusedScript(): string[] {
    return [...this.#script];
  }

  play(samples: Int16Array, options?: { interruptDigits?: string }): Promise<PlayResult> {
    if (!this.active) return Promise.resolve({ outcome: 'hangup' });
    const names = this.#prompts.names(samples);
    const interrupt = options?.interruptDigits ?? '';
    if (interrupt !== '' && this.#buffer === '' && this.#script[0]?.startsWith('~')) this.#buffer += this.#script.shift()!.slice(1);
    const first = this.#buffer[0];
    if (first !== undefined && interrupt.includes(first)) {
      this.heard.push([...names, '(cut)']);
      return Promise.resolve({ outcome: 'digit', digit: first });
    }
    this.heard.push(names);
    return Promise.resolve({ outcome: 'done' });
  }

  record(): Promise<RecordResult> {
    return Promise.reject(new Error('the scripted call does not record'));
  }

  async collectDigit(timeoutMs: number): Promise<string | undefined> {
    const r = await this.collectDigits({ maxDigits: 1, terminator: '', firstDigitMs: timeoutMs, interDigitMs: timeoutMs });
    return r.outcome === 'digits' ? r.digits : undefined;
  }

  collectDigits(o: CollectOptions): Promise<CollectResult> {
    this.collects.push(o);
    const terminator = o.terminator ?? '#';
    let digits = '';
    for (;;) {
      while (this.#buffer !== '') {
        const d = this.#buffer[0]!;
        this.#buffer = this.#buffer.slice(1);
        if (terminator !== '' && d === terminator) return Promise.resolve({ outcome: 'digits', digits, terminated: true });
        digits += d;
        if (digits.length >= o.maxDigits) return Promise.resolve({ outcome: 'digits', digits, terminated: false });
      }
      if (!this.active) return Promise.resolve({ outcome: 'hangup' });
      const next = this.#script.shift();
      if (next === undefined || next === 'T') return Promise.resolve({ outcome: 'timeout', digits });
      if (next === 'H') {
        this.#hang('caller');
        return Promise.resolve({ outcome: 'hangup' });
      }
      this.#buffer += next.replace(/^~/, '');
    }
  }

  flushDigits(): void {
    this.#buffer = '';
  }

  transfer(target: string): Promise<TransferResult> {
    this.transfers.push(target);
    if (!this.active) return Promise.resolve({ outcome: 'hangup' });
    return Promise.resolve(this.#transferResults.shift() ?? { outcome: 'transferred' });
  }

  hangup(): void {
    if (!this.active) return;
    this.heard.push(['(hangup)']);
    this.#hang('app');
  }

  #hang(cause: HangupCause): void {
    this.active = false;
    this.#end(cause);
  }
}
