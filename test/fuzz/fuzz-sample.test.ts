// The small sample of npm run fuzz that npm test runs: every target (test/fuzz/targets) for a few
// thousand inputs from a fixed seed, and every input a fuzz run ever found crashing, kept under
// test/fixtures/fuzz/<target>/ and replayed here (each was fixed; this keeps it fixed). The full,
// bounded run is scripts/fuzz.mjs; docs/RELIABILITY.md "Fuzzing" has its figures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';
import { runTarget } from './run-target.js';
import { TARGETS } from './targets/index.js';
import type { FuzzTarget } from './target.js';

const SEED = 20_261_206;
// Inputs per target: about a second each on the shared 2-core test machine.
const SAMPLE: Record<string, number> = {
  'sip-parse': 2500, 'sip-framer': 1500, sdp: 2500, rtp: 4000, rtcp: 4000, srtp: 1500, 'srtp-native': 1500, 'udp-native': 800, dtmf: 4000, 'admin-api': 250,
};
const FIXTURES = join(repoRoot(), 'test', 'fixtures', 'fuzz');

function fixturesOf(target: FuzzTarget<unknown>): string[] {
  const dir = join(FIXTURES, target.name);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(`.${target.ext}`)).sort() : [];
}

describe('fuzz sample (npm run fuzz, small)', () => {
  it('every fixture directory is a target', () => {
    const names = new Set(TARGETS.map((t) => t.name));
    for (const dir of readdirSync(FIXTURES)) assert.ok(names.has(dir), `test/fixtures/fuzz/${dir} names no fuzz target`);
  });

  for (const t of TARGETS as ReadonlyArray<FuzzTarget<unknown>>) {
    it(`${t.name}: ${SAMPLE[t.name]} inputs from seed ${SEED} and ${fixturesOf(t).length} fixtures, no crash`, { timeout: 120_000 }, async () => {
      const fixtures = fixturesOf(t);
      const failed: string[] = [];
      let report;
      await t.setup?.(); // the admin API's server, once for the sample and the fixtures
      try {
        report = await runTarget(t, { seed: SEED, inputs: SAMPLE[t.name] ?? 1000, setUp: false });
        for (const file of fixtures) {
          try {
            await t.run(t.decode(readFileSync(join(FIXTURES, t.name, file))));
          } catch (e) {
            failed.push(`${file}: ${String(e)}`);
          }
        }
      } finally {
        await t.teardown?.();
      }
      assert.equal(report.inputs, SAMPLE[t.name] ?? 1000);
      assert.deepEqual(failed, [], 'fixtures that crash again');
      const crashes = report.distinct.map((c) => `${c.count}× ${c.signature} (${c.message}); input base64 ${c.input.slice(0, 300)}`);
      assert.deepEqual(crashes, [], `${report.crashes} crashes, ${report.hangs} hangs`);
    });
  }
});
