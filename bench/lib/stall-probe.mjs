// bench/lib/stall-probe.c from Node: built at bench time (cc, as rtpgen), started beside each step
// of bench/media.mjs and stopped after it; its one line says how often, and how long, a thread
// that nothing on the machine outranks woke late: stalls of the machine (the kernel, the
// hypervisor), not of the server or the generator. No compiler: no probe, said once.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC } from './cc.mjs';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'stall-probe.c');

/** { path } or { error } */
export function buildStallProbe(dir) {
  return compileC(SOURCE, join(dir, 'stall-probe'));
}

export class StallProbe {
  /** Starts one probe (bounded: maxSeconds) under `procs` (bench/lib/processes.mjs). */
  constructor(procs, bin, name, maxSeconds) {
    this.procs = procs;
    this.name = name;
    this.proc = procs.start(name, bin, [String(Math.min(3600, Math.max(1, Math.ceil(maxSeconds))))]);
  }

  /**
   * Stops it and reads its line: { realtime, wakeups, over1ms, over5ms, over20ms, p999Ms, maxMs,
   * ticks, touched } (see stall-probe.c), or undefined when it printed none (see its log).
   */
  async stop() {
    await this.procs.stop(this.proc);
    const line = this.procs.logOf(this.name, 5).split('\n').reverse().find((l) => l.startsWith('stall-probe '));
    if (!line) return undefined;
    const v = Object.fromEntries(line.split(' ').slice(1).map((kv) => kv.split('=')));
    const n = (k) => Number(v[k]);
    return { realtime: v.policy === 'rr99', wakeups: n('wakeups'), over1ms: n('over1ms'), over5ms: n('over5ms'), over20ms: n('over20ms'), p999Ms: n('p999_us') / 1000, maxMs: n('max_us') / 1000,
      ticks: n('ticks'), touched: n('touched') };
  }
}
