// A RoutingView in memory for unit tests of routing: one gateway at 127.0.101.10 with a catch-all
// hunt group to dial plan DP (pilot 4000), users alice (1000) and carol (1002, not UM-enabled),
// and whatever auto attendants a test gives.
import type { DialPlan, HuntGroupRoute, IpGateway, UmUser } from '../../../src/org/organisation-types.js';
import type { AutoAttendantRoute, RoutingView } from '../../../src/services/routing/routing-view.js';
import { parseMessage } from '../../../src/sip/message/parse.js';
import type { SipRequest } from '../../../src/sip/message/types.js';

const at = '2026-01-01T00:00:00.000Z';

export const plan: DialPlan = {
  id: 7, name: 'DP', uriType: 'TelExtn', extensionLength: 4, voipSecurity: 'Unsecured', countryCode: null, accessNumbers: ['4000'],
  defaultLanguage: 'en-US', outdialAllowed: [], maxCallMinutes: 30, maxRecordingMinutes: 20, recordingIdleSeconds: 5, inputFailuresBeforeDisconnect: 3,
  logonFailuresBeforeDisconnect: 3, audioCodec: 'WAV', createdAt: at, updatedAt: at,
};

export const gateway: IpGateway = {
  id: 3, name: 'GW', address: '127.0.101.10', addressKind: 'ipv4', port: 5060, status: 'Enabled', outcallsAllowed: false, mwiAllowed: false,
  ipAddressFamily: 'IPv4Only', createdAt: at, updatedAt: at,
};

export const huntGroup: HuntGroupRoute = {
  id: 11, name: 'HG', gatewayId: 3, gatewayName: 'GW', dialPlanId: 7, dialPlanName: 'DP', pilotIdentifier: '', createdAt: at, updatedAt: at, dialPlan: plan,
};

const user = (id: number, name: string, extension: string, umEnabled = true): UmUser => ({
  id, name, displayName: name, extension, sipUri: null, email: `${name}@contoso.test`, dialPlanId: 7, dialPlanName: 'DP', policyId: 1, policyName: 'DP Default Policy', umEnabled, callAnswering: true, missedCallNotifications: null, language: null, createdAt: at, updatedAt: at,
});
export const alice = user(21, 'alice', '1000');
export const carol = user(22, 'carol', '1002', false);
/** UM-enabled, with call answering turned off (from the web page or openum user set). */
export const dave: UmUser = { ...user(23, 'dave', '1003'), callAnswering: false };

export function fakeView(options: { attendants?: AutoAttendantRoute[]; gateway?: Partial<IpGateway>; plan?: Partial<DialPlan> } = {}): RoutingView {
  const dp = { ...plan, ...options.plan };
  const gw = { ...gateway, ...options.gateway };
  const hg = { ...huntGroup, dialPlan: dp };
  const users = [alice, carol, dave];
  const attendants = options.attendants ?? [];
  return {
    gatewayByAddress: (ip) => (ip === gw.address ? gw : undefined),
    gatewayByFqdn: () => undefined,
    gatewayById: (id) => (id === gw.id ? gw : undefined),
    fqdnGateways: () => [],
    huntGroups: (id) => (id === gw.id ? [hg] : []),
    userByExtension: (planId, ext) => users.find((u) => u.dialPlanId === planId && u.extension === ext),
    userBySipUri: () => undefined,
    userById: (id) => users.find((u) => u.id === id),
    dialPlanById: (id) => (id === dp.id ? dp : undefined),
    autoAttendants: (planId) => attendants.filter((a) => a.dialPlanId === planId),
    autoAttendantById: (id) => attendants.find((a) => a.id === id),
  };
}

/** An INVITE as a gateway would send it. */
export function invite(uri: string, options: { callId?: string; headers?: string[] } = {}): SipRequest {
  const text = [
    `INVITE ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.101.10:5060;branch=z9hG4bKtest1',
    'Max-Forwards: 70',
    'From: "Bob" <sip:+390255501@127.0.101.10>;tag=abc',
    `To: <${uri.split(';')[0]}>`,
    `Call-ID: ${options.callId ?? 'call-1@127.0.101.10'}`,
    'CSeq: 1 INVITE',
    ...(options.headers ?? []),
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
  return parseMessage(Buffer.from(text)) as SipRequest;
}
