// `openum service restart` on a single node (SQLite) that is not running: every refusal is one
// `error:` line naming the fix, with the exit status of its code (docs/errors.md), and nothing is
// recorded. The restart itself runs against running nodes in test/services/cluster-restart.test.ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, initData } from '../support/openum.js';
import { tempDir } from '../support/run.js';

describe('openum service restart refusals', { timeout: 60_000 }, () => {
  const tmp = tempDir('openum-restart-cli-');
  const data = join(tmp.path, 'data');
  before(async () => { await initData(data, 'um.contoso.test'); });
  after(() => tmp.cleanup());

  it('refuses a role it does not know, a bad timeout, and a node that never ran', async () => {
    const cases: [string[], number, RegExp][] = [
      [['service', 'restart'], 2, /^error: .*service restart.*um\|callrouter/],
      [['service', 'restart', 'mailbox'], 2, /^error: unknown role "mailbox": a restart takes um \(the UM service and its workers\) or callrouter \(the Call Router\)$/],
      [['service', 'restart', 'um', '--timeout', '-5'], 2, /^error: --timeout takes whole seconds from 0 to 3600 \(got "-5"\)$/],
      [['service', 'restart', 'um'], 6, /^error: node "[^"]+" has never been started, so it has no UM service to restart: start it \(openum start on .+\)$/],
      [['service', 'restart', 'callrouter', '--node', 'elsewhere'], 5, /^error: no node named "elsewhere" has run on this store: name one with --node \(openum node list shows them\)$/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args, { data })));
    for (const [i, [args, code, message]] of cases.entries()) {
      const r = results[i];
      assert.ok(r);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.trim(), message, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    const audit = await cli(['audit', '--json'], { data });
    assert.doesNotMatch(audit.stdout, /service\.restart/);
  });
});
