// The UM organisation objects on both engines (SQLite always, PostgreSQL required in CI and
// skipped elsewhere): every validation rule with its message, refusals that change nothing (the
// revision and the audit log stay as they were), the Call Router's lookups and the routing snapshot.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { OpenUmError, type ErrorCode } from '../../src/errors.js';
import { accessNumberKey, normaliseIp, sipKey } from '../../src/org/addresses.js';
import { createDialPlan, getDialPlan, listDialPlans, removeDialPlan, setDialPlan } from '../../src/org/dial-plans.js';
import { createHuntGroup, getHuntGroup, listHuntGroups, removeHuntGroup, setHuntGroup } from '../../src/org/hunt-groups.js';
import { createGateway, getGateway, removeGateway, setGateway } from '../../src/org/ip-gateways.js';
import {
  findDialPlanByPilot, findGatewayByAddress, findGatewayByFqdn, findUserByEmail, findUserByExtension, findUserBySipUri,
  huntGroupsForGateway, listEnabledGateways,
} from '../../src/org/routing-lookups.js';
import { dialPlanForPilot, gatewayForAddress, gatewayForFqdn, loadRoutingSnapshot, userForExtension, userForSipUri } from '../../src/org/routing-snapshot.js';
import { createUser, getUser, listUsers, removeUser, setUser } from '../../src/org/users.js';
import { readAudit } from '../../src/store/audit.js';
import { openStore, type Store } from '../../src/store/database.js';
import { readRevision } from '../../src/store/revision.js';
import type { Database } from '../../src/store/schema.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';

describe('organisation addresses', () => {
  it('normalises IPs, SIP URIs and access numbers as the Call Router sees them', () => {
    assert.equal(normaliseIp('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(normaliseIp('[2001:DB8:0:0::1]'), '2001:db8::1');
    assert.equal(normaliseIp('gw.contoso.com'), undefined);
    assert.equal(sipKey('"Alice" <sips:Alice@Contoso.COM:5061;transport=tls>'), 'alice@contoso.com');
    assert.equal(sipKey('sip:nohost'), undefined);
    assert.equal(accessNumberKey('tel:+1 (425) 555-0100'), '+14255550100');
    assert.equal(accessNumberKey('SIP:UM@Contoso.com'), 'sip:um@contoso.com');
    assert.equal(accessNumberKey('call me'), undefined);
  });
});

const engines = await storeEngines();

for (const engine of engines) {
  describe(`organisation on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let store: Store;
    let db: Kysely<Database>;
    const actor = { name: 'test' };

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      db = store.db;
    });
    after(async () => {
      await store?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    /** The change is refused with this code and message, and nothing in the store changed. */
    async function refused(change: () => Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
      const revision = await readRevision(db);
      const [lastAudit] = await readAudit(db, { limit: 1 });
      await assert.rejects(change(), (e: unknown) => {
        assert.ok(e instanceof OpenUmError, `expected an OpenUmError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        return true;
      });
      assert.equal(await readRevision(db), revision, 'a refused change leaves the revision as it was');
      assert.equal((await readAudit(db, { limit: 1 }))[0]?.id, lastAudit?.id, 'a refused change writes no audit entry');
    }

    it('creates a dial plan with the Exchange defaults, bumping the revision and auditing it', async () => {
      const revision = await readRevision(db);
      const d = await createDialPlan(db, actor, 'Contoso', { extensionLength: 4, countryCode: '+1', accessNumbers: ['+1 (425) 555-0100', 'sip:UM@contoso.com'] });
      assert.deepEqual({ ...d, id: 0, createdAt: '', updatedAt: '' }, {
        id: 0, name: 'Contoso', uriType: 'TelExtn', extensionLength: 4, voipSecurity: 'Unsecured', countryCode: '1',
        accessNumbers: ['+14255550100', 'sip:um@contoso.com'], defaultLanguage: 'en-US', maxCallMinutes: 30, maxRecordingMinutes: 20,
        recordingIdleSeconds: 5, inputFailuresBeforeDisconnect: 3, logonFailuresBeforeDisconnect: 3, audioCodec: 'WAV', outdialAllowed: [], createdAt: '', updatedAt: '',
      });
      assert.equal(await readRevision(db), revision + 1);
      const [audit] = await readAudit(db, { limit: 1 });
      assert.deepEqual([audit?.action, audit?.target], ['dialplan.create', 'Contoso']);
      assert.equal((await getDialPlan(db, 'CONTOSO')).id, d.id, 'names match without regard to case');
    });

    it('refuses each invalid dial plan value, naming the field, the allowed values and the fix', async () => {
      const cases: [Parameters<typeof createDialPlan>[3], RegExp][] = [
        [{}, /TelExtn dial plan needs the number of digits in extensions \(1 to 20\); give it \(--extension-length N/],
        [{ uriType: 'E164' }, /E164 dial plan needs the number of digits/],
        [{ uriType: 'Tel', extensionLength: 4 }, /the URI type must be one of TelExtn, E164, SipName \(got "Tel"\); give one of these/],
        [{ extensionLength: 0 }, /number of digits in extensions must be a whole number from 1 to 20 \(got "0"\)/],
        [{ extensionLength: 21 }, /from 1 to 20 \(got "21"\)/],
        [{ extensionLength: 4, voipSecurity: 'TLS' }, /VoIP security must be one of Unsecured, SIPSecured, Secured \(got "TLS"\)/],
        [{ extensionLength: 4, countryCode: '12345' }, /country code must be 1 to 4 digits \(got "12345"\); write it like 1 or 39/],
        [{ extensionLength: 4, defaultLanguage: 'de-DE' }, /default language must be one of en-US, it-IT, es-ES, fr-FR \(got "de-DE"\)/],
        [{ extensionLength: 4, maxCallMinutes: 0 }, /maximum call duration \(minutes\) must be a whole number from 1 to 120 \(got "0"\); give a value in that range/],
        [{ extensionLength: 4, maxCallMinutes: 121 }, /from 1 to 120/],
        [{ extensionLength: 4, maxRecordingMinutes: 101 }, /maximum recording duration \(minutes\) must be a whole number from 1 to 100/],
        [{ extensionLength: 4, recordingIdleSeconds: 1 }, /recording idle timeout \(seconds\) must be a whole number from 2 to 10/],
        [{ extensionLength: 4, recordingIdleSeconds: 11 }, /from 2 to 10/],
        [{ extensionLength: 4, inputFailuresBeforeDisconnect: 21 }, /input failures before disconnect must be a whole number from 1 to 20/],
        [{ extensionLength: 4, logonFailuresBeforeDisconnect: 0 }, /logon failures before disconnect must be a whole number from 1 to 20/],
        [{ extensionLength: 4, audioCodec: 'GSM' }, /audio codec for voice mail must be one of WAV, MP3 \(got "GSM"\)/],
        [{ extensionLength: 4, maxCallMinutes: '3.5' }, /whole number from 1 to 120 \(got "3.5"\)/],
        [{ extensionLength: 4, accessNumbers: ['call us'] }, /access number "call us" is neither a phone number nor a SIP URI; write it like \+14255550100/],
      ];
      for (const [input, message] of cases) await refused(() => createDialPlan(db, actor, 'Bad', input), 'BAD_SETTING', message);
      await refused(() => createDialPlan(db, actor, 'x'.repeat(65), { extensionLength: 4 }), 'BAD_SETTING', /name must have 1 to 64 characters \(got 65\)/);
      await refused(() => createDialPlan(db, actor, '  ', { extensionLength: 4 }), 'BAD_SETTING', /name must have 1 to 64 characters \(got 0\)/);
      await refused(() => createDialPlan(db, actor, 'a/b', { extensionLength: 4 }), 'BAD_SETTING', /may not contain \/ or \\/);
      await refused(() => createDialPlan(db, actor, 'contoso', { extensionLength: 4 }), 'OBJECT_EXISTS', /a dial plan named "Contoso" already exists; choose another name/);
      await refused(() => createDialPlan(db, actor, 'Other', { extensionLength: 4, accessNumbers: ['+14255550100'] }), 'OBJECT_EXISTS',
        /access number \+14255550100 already belongs to the dial plan "Contoso"; .*remove it there first or choose another/);
      await refused(() => setDialPlan(db, actor, 'Contoso', {}), 'BAD_ARGUMENT', /nothing to change/);
      await refused(() => setDialPlan(db, actor, 'Nope', { maxCallMinutes: 10 }), 'DIAL_PLAN_NOT_FOUND', /no dial plan is named "Nope"/);
      assert.deepEqual((await listDialPlans(db)).map((d) => d.name), ['Contoso']);
    });

    it('accepts every allowed value, SipName without digits, and replaces the access numbers on set', async () => {
      const d = await createDialPlan(db, actor, 'Sip', {
        uriType: 'sipname', voipSecurity: 'secured', defaultLanguage: 'it-it', audioCodec: 'mp3', maxCallMinutes: 120, maxRecordingMinutes: 100,
        recordingIdleSeconds: 10, inputFailuresBeforeDisconnect: 20, logonFailuresBeforeDisconnect: 1, countryCode: 39,
      });
      assert.deepEqual([d.uriType, d.extensionLength, d.voipSecurity, d.defaultLanguage, d.audioCodec, d.countryCode], ['SipName', null, 'Secured', 'it-IT', 'MP3', '39']);
      const s = await setDialPlan(db, actor, 'Sip', { accessNumbers: ['+390212345678'], defaultLanguage: 'fr-FR' });
      assert.deepEqual(s.accessNumbers, ['+390212345678']);
      assert.equal((await setDialPlan(db, actor, 'Sip', { accessNumbers: [] })).accessNumbers.length, 0);
      assert.equal(await findDialPlanByPilot(db, '+390212345678'), undefined, 'a dropped access number no longer routes');
      await removeDialPlan(db, actor, 'Sip');
    });

    it('creates gateways: defaults, the default hunt group, 5061 and an FQDN for a secured dial plan', async () => {
      const gw = await createGateway(db, actor, 'PBX1', { address: '192.0.2.10', dialPlan: 'Contoso' });
      assert.deepEqual([gw.address, gw.addressKind, gw.port, gw.status, gw.outcallsAllowed, gw.mwiAllowed, gw.ipAddressFamily],
        ['192.0.2.10', 'ipv4', 5060, 'Enabled', true, true, 'Any']);
      const groups = await listHuntGroups(db, { gateway: 'pbx1' });
      assert.deepEqual(groups.map((h) => [h.name, h.dialPlanName, h.pilotIdentifier]), [['Contoso', 'Contoso', '']]);

      await createDialPlan(db, actor, 'Secure', { extensionLength: 5, voipSecurity: 'SIPSecured', accessNumbers: ['+14255550200'] });
      await refused(() => createGateway(db, actor, 'SBC', { address: '192.0.2.20', dialPlan: 'Secure' }), 'GATEWAY_FQDN_REQUIRED',
        /"SBC" is addressed by IP \(192\.0\.2\.20\) but the dial plan "Secure" is SIPSecured: mutual TLS identifies the gateway by the FQDN in its certificate.*Create the UM IP gateways with an FQDN \(openum gateway new SBC --address <gateway FQDN> --dial-plan Secure\)/);
      assert.equal((await listHuntGroups(db)).length, 1, 'no hunt group was made for the refused gateway');
      const sbc = await createGateway(db, actor, 'SBC', { address: 'SBC.Contoso.com.', dialPlan: 'Secure' });
      assert.deepEqual([sbc.address, sbc.addressKind, sbc.port], ['sbc.contoso.com', 'fqdn', 5061]);
      const v6 = await createGateway(db, actor, 'V6', { address: '2001:DB8::0:10', status: 'nonewcalls', outcallsAllowed: 'off', mwiAllowed: false, ipAddressFamily: 'ipv6only', port: '5070' });
      assert.deepEqual([v6.address, v6.status, v6.outcallsAllowed, v6.mwiAllowed, v6.ipAddressFamily, v6.port], ['2001:db8::10', 'NoNewCalls', false, false, 'IPv6Only', 5070]);
    });

    it('refuses invalid gateways, naming the problem and the fix', async () => {
      await refused(() => createGateway(db, actor, 'Bad', { address: 'not an address' }), 'BAD_SETTING', /neither an IP address nor an FQDN; write it like 192\.0\.2\.10/);
      await refused(() => createGateway(db, actor, 'Bad', { address: '10.0.0.256' }), 'BAD_SETTING', /neither an IP address nor an FQDN/);
      await refused(() => createGateway(db, actor, 'Bad', { address: '192.0.2.99', port: 70000 }), 'BAD_SETTING', /gateway port must be a whole number from 1 to 65535/);
      await refused(() => createGateway(db, actor, 'Bad', { address: '192.0.2.99', status: 'On' }), 'BAD_SETTING', /gateway status must be one of Enabled, Disabled, NoNewCalls/);
      await refused(() => createGateway(db, actor, 'Bad', { address: '192.0.2.99', ipAddressFamily: 'v4' }), 'BAD_SETTING', /IP address family must be one of IPv4Only, IPv6Only, Any/);
      await refused(() => createGateway(db, actor, 'Bad', { address: '192.0.2.99', ipAddressFamily: 'IPv6Only' }), 'BAD_SETTING', /is IPv4 but the IP address family is IPv6Only; .*set the family to Any/);
      await refused(() => createGateway(db, actor, 'Bad', { address: '192.0.2.99', outcallsAllowed: 'maybe' }), 'BAD_SETTING', /outcalls allowed takes on or off/);
      await refused(() => createGateway(db, actor, 'Bad', { address: '192.0.2.10' }), 'OBJECT_EXISTS', /"PBX1" already has the address 192\.0\.2\.10/);
      await refused(() => createGateway(db, actor, 'pbx1', { address: '192.0.2.99' }), 'OBJECT_EXISTS', /a UM IP gateway named "PBX1" already exists/);
      await refused(() => createGateway(db, actor, 'Bad', { address: '192.0.2.99', dialPlan: 'Nope' }), 'DIAL_PLAN_NOT_FOUND', /no dial plan is named "Nope"/);
      await refused(() => setGateway(db, actor, 'SBC', { address: '192.0.2.30' }), 'GATEWAY_FQDN_REQUIRED', /"SBC" is addressed by IP \(192\.0\.2\.30\) but the dial plan "Secure" is SIPSecured/);
      await refused(() => getGateway(db, 'Nope'), 'IP_GATEWAY_NOT_FOUND', /'openum gateway list' shows them/);
    });

    it('refuses securing a dial plan that an IP-addressed gateway serves, and allows it once the gateway has an FQDN', async () => {
      await refused(() => setDialPlan(db, actor, 'Contoso', { voipSecurity: 'Secured' }), 'GATEWAY_FQDN_REQUIRED',
        /UM IP gateway "PBX1" is addressed by IP \(192\.0\.2\.10\) but the dial plan "Contoso" is Secured: mutual TLS identifies the gateway by the FQDN in its certificate.*Create the UM IP gateways with an FQDN/);
      assert.equal((await getDialPlan(db, 'Contoso')).voipSecurity, 'Unsecured');
      await setGateway(db, actor, 'PBX1', { address: 'pbx1.contoso.com' });
      assert.equal((await setDialPlan(db, actor, 'Contoso', { voipSecurity: 'SIPSecured' })).voipSecurity, 'SIPSecured');
      await refused(() => setGateway(db, actor, 'PBX1', { address: '192.0.2.10' }), 'GATEWAY_FQDN_REQUIRED', /"PBX1" is addressed by IP/);
      await setDialPlan(db, actor, 'Contoso', { voipSecurity: 'Unsecured' });
      await setGateway(db, actor, 'PBX1', { address: '192.0.2.10', status: 'Disabled' });
      await setGateway(db, actor, 'PBX1', { status: 'Enabled' });
    });

    it('keeps hunt group names and pilot identifiers unique per gateway, and applies the secured rule', async () => {
      const h = await createHuntGroup(db, actor, 'Sales', { gateway: 'PBX1', dialPlan: 'Contoso', pilotIdentifier: '4100' });
      assert.deepEqual([h.gatewayName, h.dialPlanName, h.pilotIdentifier], ['PBX1', 'Contoso', '4100']);
      await refused(() => createHuntGroup(db, actor, 'sales', { gateway: 'PBX1', dialPlan: 'Contoso', pilotIdentifier: '4200' }), 'OBJECT_EXISTS',
        /gateway "PBX1" already has a hunt group named "Sales"/);
      await refused(() => createHuntGroup(db, actor, 'Support', { gateway: 'PBX1', dialPlan: 'Contoso', pilotIdentifier: '4100' }), 'OBJECT_EXISTS',
        /hunt group "Sales" on the gateway "PBX1" already has the pilot identifier 4100; a pilot identifier is unique per gateway/);
      await refused(() => createHuntGroup(db, actor, 'Any', { gateway: 'PBX1', dialPlan: 'Contoso' }), 'OBJECT_EXISTS',
        /already has an empty pilot identifier \(any call\)/);
      await refused(() => createHuntGroup(db, actor, 'Sec', { gateway: 'PBX1', dialPlan: 'Secure' }), 'GATEWAY_FQDN_REQUIRED',
        /"PBX1" is addressed by IP \(192\.0\.2\.10\) but the dial plan "Secure" is SIPSecured/);
      await refused(() => createHuntGroup(db, actor, 'X', { gateway: 'Nope', dialPlan: 'Contoso' }), 'IP_GATEWAY_NOT_FOUND', /"Nope"/);
      await refused(() => createHuntGroup(db, actor, 'X', { gateway: 'PBX1', dialPlan: 'Contoso', pilotIdentifier: 'has space' }), 'BAD_SETTING', /pilot identifier "has space"/);
      // The same name and pilot on another gateway are fine; the name then needs its gateway.
      await createHuntGroup(db, actor, 'Sales', { gateway: 'V6', dialPlan: 'Contoso', pilotIdentifier: '4100' });
      await refused(() => getHuntGroup(db, 'Sales'), 'BAD_ARGUMENT', /"PBX1", "V6" each have a hunt group "Sales"; say which with --gateway G/);
      await createHuntGroup(db, actor, 'Any', { gateway: 'V6', dialPlan: 'Contoso' });
      await refused(() => setHuntGroup(db, actor, 'Sales', 'V6', { pilotIdentifier: '' }), 'OBJECT_EXISTS',
        /hunt group "Any" on the gateway "V6" already has an empty pilot identifier \(any call\)/);
      await refused(() => setHuntGroup(db, actor, 'Sales', 'V6', { name: 'any' }), 'OBJECT_EXISTS', /gateway "V6" already has a hunt group named "Any"/);
      assert.equal((await setHuntGroup(db, actor, 'Sales', 'V6', { pilotIdentifier: '4300' })).pilotIdentifier, '4300');
      await refused(() => setHuntGroup(db, actor, 'Sales', 'V6', { dialPlan: 'Secure' }), 'GATEWAY_FQDN_REQUIRED', /"V6" is addressed by IP/);
      await removeHuntGroup(db, actor, 'Sales', 'V6');
      await refused(() => removeHuntGroup(db, actor, 'Sales', 'V6'), 'HUNT_GROUP_NOT_FOUND', /no hunt group is named "Sales" on the gateway "V6"/);
    });

    it('UM-enables users with extensions of the dial plan length, unique extension, SIP URI and e-mail', async () => {
      const u = await createUser(db, actor, 'alice', { extension: '1001', dialPlan: 'contoso', email: 'Alice@Contoso.com', sipUri: 'Alice@Contoso.com', displayName: 'Alice Smith' });
      assert.deepEqual([u.extension, u.dialPlanName, u.email, u.sipUri, u.displayName, u.umEnabled], ['1001', 'Contoso', 'alice@contoso.com', 'sip:alice@contoso.com', 'Alice Smith', true]);
      await refused(() => createUser(db, actor, 'bob', { extension: '101', dialPlan: 'Contoso', email: 'bob@contoso.com' }), 'BAD_SETTING',
        /extension 101 has 3 digits but the dial plan "Contoso" uses 4-digit extensions; give a 4-digit extension/);
      await refused(() => createUser(db, actor, 'bob', { extension: '10a1', dialPlan: 'Contoso', email: 'bob@contoso.com' }), 'BAD_SETTING', /must be digits only/);
      await refused(() => createUser(db, actor, 'bob', { extension: '1001', dialPlan: 'Contoso', email: 'bob@contoso.com' }), 'OBJECT_EXISTS',
        /extension 1001 in the dial plan "Contoso" belongs to the user "alice"; choose a free extension/);
      await refused(() => createUser(db, actor, 'bob', { extension: '1002', dialPlan: 'Contoso', email: 'ALICE@contoso.com' }), 'OBJECT_EXISTS', /e-mail address alice@contoso\.com belongs to the user "alice"/);
      await refused(() => createUser(db, actor, 'bob', { extension: '1002', dialPlan: 'Contoso', email: 'bob@contoso.com', sipUri: 'sip:ALICE@contoso.com' }), 'OBJECT_EXISTS', /SIP URI sip:alice@contoso\.com belongs to the user "alice"/);
      await refused(() => createUser(db, actor, 'bob', { extension: '1002', dialPlan: 'Contoso', email: 'bob@' }), 'BAD_SETTING', /e-mail address "bob@" is not valid; write it like alice@contoso\.com/);
      await refused(() => createUser(db, actor, 'bob', { extension: '1002', dialPlan: 'Contoso', email: 'bob@contoso.com', sipUri: 'sip:bob' }), 'BAD_SETTING', /not a SIP URI; write it like sip:alice@contoso\.com/);
      await refused(() => createUser(db, actor, 'ALICE', { extension: '1002', dialPlan: 'Contoso', email: 'b@contoso.com' }), 'OBJECT_EXISTS', /user named "alice" already exists/);
      await refused(() => createUser(db, actor, 'bob', { extension: '1002', dialPlan: 'Nope', email: 'bob@contoso.com' }), 'DIAL_PLAN_NOT_FOUND', /"Nope"/);
      await createDialPlan(db, actor, 'SipOnly', { uriType: 'SipName' });
      await refused(() => createUser(db, actor, 'carol', { extension: '7', dialPlan: 'SipOnly', email: 'carol@contoso.com' }), 'BAD_SETTING',
        /dial plan "SipOnly" is SipName, so the user needs a SIP URI; give one/);
      // The same extension in another dial plan is another user's.
      const bob = await createUser(db, actor, 'bob', { extension: '10010', dialPlan: 'Secure', email: 'bob@contoso.com', umEnabled: 'off' });
      assert.equal(bob.umEnabled, false);
      await createUser(db, actor, 'dave', { extension: '1001', dialPlan: 'SipOnly', email: 'dave@contoso.com', sipUri: 'sip:dave@contoso.com' });
      assert.deepEqual((await listUsers(db, { dialPlan: 'contoso' })).map((x) => x.name), ['alice']);
      await refused(() => setUser(db, actor, 'dave', { sipUri: null }), 'BAD_SETTING', /is SipName, so the user needs a SIP URI/);
      await refused(() => setUser(db, actor, 'bob', { dialPlan: 'Contoso' }), 'BAD_SETTING', /extension 10010 has 5 digits but the dial plan "Contoso" uses 4-digit/);
      const moved = await setUser(db, actor, 'bob', { dialPlan: 'Contoso', extension: '1002', umEnabled: true });
      assert.deepEqual([moved.dialPlanName, moved.extension, moved.umEnabled], ['Contoso', '1002', true]);
      await refused(() => getUser(db, 'nobody'), 'UM_USER_NOT_FOUND', /'openum user list' shows them/);
    });

    it('refuses dial plan changes that users no longer fit, and removals while in use, naming what uses them', async () => {
      await refused(() => setDialPlan(db, actor, 'Contoso', { extensionLength: 5 }), 'OBJECT_IN_USE',
        /cannot have 5-digit extensions: the users "alice" and "bob" have extensions of another length; change their extensions first/);
      await refused(() => setDialPlan(db, actor, 'Contoso', { uriType: 'SipName' }), 'OBJECT_IN_USE', /cannot become SipName: the users "bob" have no SIP URI/);
      await refused(() => removeDialPlan(db, actor, 'Contoso'), 'OBJECT_IN_USE',
        /dial plan "Contoso" is in use by the hunt groups "PBX1\/Contoso", "PBX1\/Sales" and "V6\/Any" \(gateway\/hunt group\) and the users "alice" and "bob"; remove them or move them to another dial plan first/);
      await refused(() => removeDialPlan(db, actor, 'SipOnly'), 'OBJECT_IN_USE', /in use by the users "dave"/);
      await removeUser(db, actor, 'dave');
      await removeDialPlan(db, actor, 'SipOnly');
      await refused(() => getDialPlan(db, 'SipOnly'), 'DIAL_PLAN_NOT_FOUND', /"SipOnly"/);
    });

    it('answers the Call Router lookups', async () => {
      const pbx1 = await getGateway(db, 'PBX1');
      assert.equal((await findGatewayByAddress(db, '::ffff:192.0.2.10'))?.name, 'PBX1');
      assert.equal((await findGatewayByAddress(db, '2001:db8:0::10'))?.name, 'V6');
      assert.equal(await findGatewayByAddress(db, '192.0.2.99'), undefined);
      assert.equal(await findGatewayByAddress(db, 'garbage'), undefined);
      assert.equal((await findGatewayByFqdn(db, 'SBC.CONTOSO.COM.'))?.name, 'SBC');
      assert.equal(await findGatewayByFqdn(db, '192.0.2.10'), undefined);
      assert.deepEqual((await listEnabledGateways(db)).map((g) => g.name), ['PBX1', 'SBC'], 'NoNewCalls and Disabled gateways take no new calls');
      assert.equal((await findDialPlanByPilot(db, 'tel:+1-425-555-0100'))?.name, 'Contoso');
      assert.equal((await findDialPlanByPilot(db, '<sip:um@CONTOSO.com;user=phone>'))?.name, 'Contoso');
      assert.equal(await findDialPlanByPilot(db, '+19995550100'), undefined);
      const routes = await huntGroupsForGateway(db, pbx1.id);
      assert.deepEqual(routes.map((h) => [h.name, h.pilotIdentifier, h.dialPlan.name, h.dialPlan.extensionLength]), [['Sales', '4100', 'Contoso', 4], ['Contoso', '', 'Contoso', 4]]);
      const contoso = await getDialPlan(db, 'Contoso');
      assert.equal((await findUserByExtension(db, contoso.id, '1001'))?.name, 'alice');
      assert.equal(await findUserByExtension(db, contoso.id, '9999'), undefined);
      assert.equal((await findUserBySipUri(db, 'sips:ALICE@contoso.COM:5061;transport=tls'))?.name, 'alice');
      assert.equal(await findUserBySipUri(db, 'not a uri'), undefined);
      assert.equal((await findUserByEmail(db, 'BOB@Contoso.com'))?.name, 'bob');
    });

    it('loads a routing snapshot with O(1) maps at the current revision', async () => {
      const s = await loadRoutingSnapshot(db);
      assert.equal(s.revision, await readRevision(db));
      assert.deepEqual(s.dialPlans.map((d) => d.name), ['Contoso', 'Secure']);
      assert.equal(gatewayForAddress(s, '192.0.2.10')?.name, 'PBX1');
      assert.equal(gatewayForAddress(s, '[2001:db8::10]')?.name, 'V6');
      assert.equal(gatewayForFqdn(s, 'Sbc.Contoso.Com')?.name, 'SBC');
      assert.equal(s.gatewayByAddress.has('sbc.contoso.com'), false);
      assert.equal(dialPlanForPilot(s, '+1 425 555 0200')?.name, 'Secure');
      const pbx1 = s.gatewayByAddress.get('192.0.2.10');
      assert.deepEqual(s.huntGroupsByGateway.get(pbx1?.id ?? -1)?.map((h) => h.name), ['Sales', 'Contoso']);
      const contoso = s.dialPlans.find((d) => d.name === 'Contoso');
      assert.equal(s.huntGroupsByGateway.get(pbx1?.id ?? -1)?.[0]?.dialPlan, contoso, 'hunt groups share the dial plan objects');
      assert.equal(userForExtension(s, contoso?.id ?? -1, '1002')?.name, 'bob');
      assert.equal(userForSipUri(s, 'sip:Alice@Contoso.com')?.name, 'alice');
      assert.equal(s.userByEmail.get('bob@contoso.com')?.name, 'bob');
      await setGateway(db, actor, 'V6', { status: 'Enabled' });
      assert.notEqual(await readRevision(db), s.revision, 'a change makes the snapshot stale');
    });

    it('removes a gateway together with its hunt groups', async () => {
      const r = await removeGateway(db, actor, 'PBX1');
      assert.deepEqual(r.removedHuntGroups, ['Contoso', 'Sales']);
      assert.deepEqual((await listHuntGroups(db)).map((h) => `${h.gatewayName}/${h.name}`), ['SBC/Secure', 'V6/Any']);
      assert.equal(await findGatewayByAddress(db, '192.0.2.10'), undefined);
      const [audit] = await readAudit(db, { limit: 1 });
      assert.deepEqual([audit?.action, audit?.details.huntGroups], ['gateway.remove', ['Contoso', 'Sales']]);
    });
  });
}
