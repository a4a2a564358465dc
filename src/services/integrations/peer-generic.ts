// A plain description of the OpenUM trunk for any SIP server, in the words an administrator of
// another product configures it with.
import type { PeerFacts } from './sip-server-types.js';

export function genericDescription(f: PeerFacts): string {
  const cr = f.callRouter;
  const numbers = f.numbers.length === 0 ? ['  (none in the store yet: add access numbers or auto attendants, then rerun)']
    : f.numbers.map((n) => `  ${n.number}  ${n.kind === 'subscriber-access' ? 'subscriber access (voice-mail pilot)' : `auto attendant ${n.name}`}, dial plan ${n.dialPlan}`);
  const srtp = f.dialPlans.some((p) => p.voipSecurity === 'Secured');
  return [
    `OpenUM trunk for the SIP server ${f.fqdn}`,
    '',
    'Trunk (SIP server -> OpenUM)',
    `  host       ${cr.host}${cr.host === cr.fqdn ? '' : ` (OpenUM server ${cr.fqdn})`}`,
    `  port       ${cr.tlsPort}`,
    '  transport  TLS (mutual: the SIP server presents its certificate)',
    `  media      RTP${srtp ? ' with SRTP (SDES): a Secured dial plan' : ' (G.711 A-law/u-law), RFC 4733 DTMF'}`,
    '  redirects  OpenUM answers INVITE with 302 (Call Router -> UM service -> worker): follow them',
    '',
    'Certificates',
    `  the SIP server's certificate names ${f.fqdn} (subject CN or DNS name), with extended key usage`,
    '  clientAuth and serverAuth, issued by a CA OpenUM trusts (openum integrate sip-server --ca FILE)',
    `  the SIP server trusts the CA of OpenUM's UM/UMCallRouter certificate (issued for ${cr.fqdn})`,
    '',
    'Numbers to route to the trunk',
    ...numbers,
    '',
    'Unanswered calls (no answer, busy, not registered)',
    `  send them to ${f.voiceMailPilot ?? 'the called user\'s own SIP URI'} over the trunk with a Diversion header (RFC 5806)`,
    `  naming the called user by the SIP URI OpenUM knows, e.g.`,
    `  Diversion: <sip:alice@${f.sipDomain ?? f.fqdn}>;reason=no-answer;counter=1`,
    '  (History-Info, RFC 7044, is read as well)',
    '',
    'OpenUM -> SIP server (MWI NOTIFY, Play on Phone)',
    `  OpenUM connects to ${f.fqdn}:${f.listen.tlsPort} over TLS: the UM IP gateway "${f.fqdn}"`,
    '',
  ].join('\n');
}
