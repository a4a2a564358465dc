// The UM organisation objects through the real `openum` command: a dial plan, a gateway with its
// default hunt group and a user; list/get as JSON and tables; the secured-dial-plan FQDN refusal
// with its reason; removals refused while in use. Refusals print one line and exit non-zero.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/errors.js';
import type { DialPlan, HuntGroup, IpGateway, UmUser } from '../../src/org/organisation-types.js';
import { cli, cliJson, initData } from '../support/openum.js';
import { tempDir } from '../support/run.js';

describe('organisation objects through the CLI', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;

  before(async () => {
    tmp = tempDir();
    data = join(tmp.path, 'data');
    await initData(data, 'um.contoso.com');
  });
  after(() => tmp.cleanup());

  async function refusedCli(args: string[], code: keyof typeof ERROR_CODES, message: RegExp): Promise<void> {
    const r = await cli(args, { data });
    assert.equal(r.code, ERROR_CODES[code].exit, `openum ${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, /^error: /);
    assert.match(r.stderr, message);
  }

  it('creates a dial plan, a gateway with its default hunt group and a user, and shows them', async () => {
    const plan = await cliJson<DialPlan>(['dialplan', 'new', 'Contoso', '--extension-length', '4', '--country-code', '1',
      '--access-number', '+14255550100', '--access-number', 'sip:um@contoso.com', '--language', 'fr-FR', '--max-call-minutes', '60'], { data });
    assert.deepEqual([plan.uriType, plan.extensionLength, plan.voipSecurity, plan.defaultLanguage, plan.maxCallMinutes, plan.accessNumbers],
      ['TelExtn', 4, 'Unsecured', 'fr-FR', 60, ['+14255550100', 'sip:um@contoso.com']]);
    const gw = await cliJson<IpGateway>(['gateway', 'new', 'PBX1', '--address', '192.0.2.10', '--dial-plan', 'Contoso', '--mwi', 'off'], { data });
    assert.deepEqual([gw.address, gw.port, gw.status, gw.mwiAllowed, gw.outcallsAllowed], ['192.0.2.10', 5060, 'Enabled', false, true]);
    const groups = await cliJson<HuntGroup[]>(['huntgroup', 'list'], { data });
    assert.deepEqual(groups.map((h) => [h.gatewayName, h.name, h.dialPlanName, h.pilotIdentifier]), [['PBX1', 'Contoso', 'Contoso', '']]);
    const user = await cliJson<UmUser>(['user', 'new', 'alice', '--extension', '1001', '--dial-plan', 'Contoso', '--email', 'alice@contoso.com',
      '--display-name', 'Alice Smith', '--sip-uri', 'sip:alice@contoso.com'], { data });
    assert.deepEqual([user.extension, user.dialPlanName, user.sipUri, user.umEnabled], ['1001', 'Contoso', 'sip:alice@contoso.com', true]);

    assert.deepEqual((await cliJson<DialPlan[]>(['dialplan', 'list'], { data })).map((d) => d.name), ['Contoso']);
    assert.equal((await cliJson<IpGateway>(['gateway', 'get', 'pbx1'], { data })).name, 'PBX1');
    assert.equal((await cliJson<UmUser[]>(['user', 'list'], { data }))[0]?.email, 'alice@contoso.com');
    const table = await cli(['gateway', 'list'], { data });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+ADDRESS\s+PORT\s+STATUS/);
    assert.match(table.stdout, /PBX1\s+192\.0\.2\.10\s+5060\s+Enabled\s+on\s+off\s+Any/);
    const fields = await cli(['dialplan', 'get', 'Contoso'], { data });
    assert.match(fields.stdout, /Access numbers:\s+\+14255550100, sip:um@contoso\.com/);
    const set = await cliJson<UmUser>(['user', 'set', 'alice', '--enabled', 'off'], { data });
    assert.equal(set.umEnabled, false);
  });

  it('refuses an IP-addressed gateway for a secured dial plan, with the reason, and takes an FQDN on 5061', async () => {
    assert.equal((await cli(['dialplan', 'new', 'Secure', '--extension-length', '5', '--security', 'SIPSecured'], { data })).code, 0);
    await refusedCli(['gateway', 'new', 'SBC', '--address', '192.0.2.20', '--dial-plan', 'Secure'], 'GATEWAY_FQDN_REQUIRED',
      /mutual TLS identifies the gateway by the FQDN in its certificate.*Create the UM IP gateways with an FQDN/);
    const sbc = await cliJson<IpGateway>(['gateway', 'new', 'SBC', '--address', 'sbc.contoso.com', '--dial-plan', 'Secure'], { data });
    assert.deepEqual([sbc.address, sbc.port], ['sbc.contoso.com', 5061]);
    await refusedCli(['dialplan', 'set', 'Contoso', '--security', 'Secured'], 'GATEWAY_FQDN_REQUIRED',
      /UM IP gateway "PBX1" is addressed by IP \(192\.0\.2\.10\).*FQDN in its certificate/);
    assert.equal((await cliJson<DialPlan>(['dialplan', 'get', 'Contoso'], { data })).voipSecurity, 'Unsecured');
    await refusedCli(['huntgroup', 'new', 'Sec', '--gateway', 'PBX1', '--dial-plan', 'Secure'], 'GATEWAY_FQDN_REQUIRED', /"PBX1" is addressed by IP/);
  });

  it('refuses bad values and removals while in use, naming them; removing a gateway removes its hunt groups', async () => {
    await refusedCli(['dialplan', 'new', 'Bad', '--extension-length', '4', '--language', 'de-DE'], 'BAD_SETTING',
      /default language must be one of en-US, it-IT, es-ES, fr-FR \(got "de-DE"\)/);
    await refusedCli(['user', 'new', 'bob', '--extension', '12', '--dial-plan', 'Contoso', '--email', 'bob@contoso.com'], 'BAD_SETTING',
      /extension 12 has 2 digits but the dial plan "Contoso" uses 4-digit extensions/);
    await refusedCli(['user', 'new', 'bob', '--extension', '1234'], 'BAD_ARGUMENT', /needs --extension N, --dial-plan DP and --email E/);
    await refusedCli(['dialplan', 'remove', 'Contoso'], 'OBJECT_IN_USE',
      /dial plan "Contoso" is in use by the hunt groups "PBX1\/Contoso" \(gateway\/hunt group\) and the users "alice"/);
    await refusedCli(['gateway', 'get', 'nope'], 'IP_GATEWAY_NOT_FOUND', /no UM IP gateway is named "nope"/);
    const r = await cli(['gateway', 'remove', 'PBX1'], { data });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /removed gateway PBX1 and its hunt groups Contoso/);
    await refusedCli(['dialplan', 'remove', 'Contoso'], 'OBJECT_IN_USE', /in use by the users "alice"; remove them or move them/);
    assert.equal((await cli(['user', 'remove', 'alice'], { data })).code, 0);
    assert.equal((await cli(['dialplan', 'remove', 'Contoso'], { data })).code, 0);
    assert.deepEqual((await cliJson<DialPlan[]>(['dialplan', 'list'], { data })).map((d) => d.name), ['Secure']);
  });
});
