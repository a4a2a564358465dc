// Changes that would break what runs are refused with the reason, through the real `openum`
// command (issue 10): one `error:` line in CLI words, the code's exit status, nothing changed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorCode } from '../../src/errors.js';
import { assertRefused, StoreWatch } from '../support/cli-checks.js';
import { cli, initData } from '../support/openum.js';
import { tempDir } from '../support/run.js';

describe('changes that would break what runs (CLI)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let watch: StoreWatch;

  async function refused(args: string[], code: ErrorCode, match: RegExp[]): Promise<void> {
    const before = await watch.current();
    const settings = (await cli(['server', 'get', '--json'], { data })).stdout;
    assertRefused(await cli(args, { data }), args.join(' '), { code, match });
    await watch.assertUnchanged(before, args.join(' '));
    assert.equal((await cli(['server', 'get', '--json'], { data })).stdout, settings, `${args.join(' ')}: settings changed`);
  }

  async function ok(args: string[]): Promise<string> {
    const r = await cli(args, { data });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    watch.changed();
    return r.stdout;
  }

  before(async () => {
    tmp = tempDir();
    data = join(tmp.path, 'data');
    watch = new StoreWatch(data);
    await initData(data, 'um.contoso.com');
  });
  after(() => tmp.cleanup());

  it('admin set --address refuses what is not an address of this host', async () => {
    await refused(['admin', 'set', '--address', '300.1.1.1'], 'BAD_SETTING', [/must be an IP address such as 127\.0\.0\.1/, /"300\.1\.1\.1"/]);
    await refused(['admin', 'set', '--address', 'um.contoso.com'], 'BAD_SETTING', [/must be an IP address/]);
    await refused(['admin', 'set', '--address', '192.0.2.77'], 'BAD_SETTING', [/192\.0\.2\.77 is not an address of this host/, /0\.0\.0\.0/]);
    await ok(['admin', 'set', '--address', '127.0.119.9']);
    await ok(['admin', 'set', '--address', '0.0.0.0']);
  });

  it('service/callrouter set --startup-mode TCP is refused while a secured dial plan needs TLS, naming it', async () => {
    await ok(['service', 'set', '--startup-mode', 'Dual']);
    await ok(['dialplan', 'new', 'Secure', '--extension-length', '5', '--security', 'SIPSecured']);
    await ok(['dialplan', 'new', 'Plain', '--extension-length', '4']);
    await refused(['service', 'set', '--startup-mode', 'TCP'], 'TLS_NEEDED_BY_DIAL_PLAN',
      [/dial plan "Secure" \(SIPSecured\) needs TLS/, /503/, /openum dialplan set NAME --security Unsecured/]);
    await refused(['callrouter', 'set', '--startup-mode', 'tcp'], 'TLS_NEEDED_BY_DIAL_PLAN', [/the Call Router's TLS listener/, /"Secure"/]);
    await ok(['dialplan', 'set', 'Secure', '--security', 'Unsecured']);
    await ok(['service', 'set', '--startup-mode', 'TCP']);
  });

  it('service set --rtp-ports over the SIP ports is refused, and so is a Call Router port inside the range', async () => {
    await refused(['service', 'set', '--rtp-ports', '5060-5100'], 'BAD_SETTING',
      [/overlaps the SIP ports 5060 \(the Call Router \(TCP\/UDP\)\), 5061/, /5062 \(the UM service \(TCP\)\)/, /5068 \(UM worker 2 \(TLS\)\)/, /20000-29999/]);
    await refused(['service', 'set', '--rtp-ports', '5064-5066'], 'BAD_SETTING', [/5065 \(UM worker 1 \(TCP\)\), 5066/]);
    await ok(['service', 'set', '--rtp-ports', '20000-29999']);
    await refused(['callrouter', 'set', '--sip-tcp-port', '25000'], 'BAD_SETTING', [/25000 is inside the RTP port range 20000-29999/, /openum service set --rtp-ports/]);
    await ok(['service', 'set', '--rtp-ports', '1024-65535']);
  });

  it('a gateway at the server\'s own FQDN and SIP port is refused, on create and on change', async () => {
    await ok(['dialplan', 'new', 'GwPlan', '--extension-length', '4']);
    await refused(['gateway', 'new', 'LOOP', '--address', 'UM.contoso.com', '--dial-plan', 'GwPlan'], 'BAD_ARGUMENT',
      [/um\.contoso\.com:5060 is this UM server itself/, /the Call Router \(TCP\/UDP\)/, /SBC's or gateway's own address/]);
    await refused(['gateway', 'new', 'LOOP', '--address', 'um.contoso.com', '--port', '5062'], 'BAD_ARGUMENT', [/the UM service \(TCP\)/]);
    await ok(['gateway', 'new', 'PBX', '--address', 'pbx.contoso.com', '--dial-plan', 'GwPlan']);
    await refused(['gateway', 'set', 'PBX', '--address', 'um.contoso.com'], 'BAD_ARGUMENT', [/is this UM server itself/]);
    // Another port on the same host is another program (a PBX beside OpenUM): allowed.
    await ok(['gateway', 'set', 'PBX', '--address', 'um.contoso.com', '--port', '5090']);
  });
});
