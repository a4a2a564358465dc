// The Asterisk side of an OpenUM trunk: pjsip.conf (a TLS transport with this server's certificate,
// an endpoint for OpenUM's Call Router that follows its 302s) and an extensions.conf dialplan
// (OpenUM's numbers to the trunk; users rung, then voice mail with an RFC 5806 Diversion header).
import type { PeerFacts } from './sip-server-types.js';

export function pjsipConf(f: PeerFacts): string {
  const cr = f.callRouter;
  const srtp = f.dialPlans.some((p) => p.voipSecurity === 'Secured');
  return [
    `; pjsip.conf for ${f.fqdn}: the OpenUM trunk over mutual TLS (printed by openum integrate sip-server).`,
    '; Fill @CERTIFICATE@ (issued for this server\'s FQDN, clientAuth + serverAuth, by a CA OpenUM trusts),',
    `; @PRIVATE_KEY@ and @CA_LIST@ (the CA of OpenUM's UM/UMCallRouter certificate for ${cr.fqdn}).`,
    '',
    '[transport-openum-tls]',
    'type=transport',
    'protocol=tls',
    `bind=${f.listen.address ?? '@LISTEN_ADDRESS@'}:${f.listen.tlsPort}`,
    'cert_file=@CERTIFICATE@',
    'priv_key_file=@PRIVATE_KEY@',
    'ca_list_file=@CA_LIST@',
    'method=tlsv1_2',
    'verify_server=yes',
    'verify_client=yes',
    'require_client_cert=no',
    '',
    '[openum]',
    'type=endpoint',
    'transport=transport-openum-tls',
    'context=from-openum',
    'aors=openum',
    'disallow=all',
    'allow=alaw,ulaw',
    'direct_media=no',
    `media_encryption=${srtp ? 'sdes' : 'no'}${srtp ? '            ; a Secured dial plan needs SRTP' : ''}`,
    'send_diversion=yes',
    'redirect_method=uri_pjsip      ; follow OpenUM\'s 302 (Call Router -> UM service -> worker) inside PJSIP',
    `from_domain=${f.fqdn}`,
    '',
    '[openum]',
    'type=aor',
    `contact=sip:${cr.host}:${cr.tlsPort};transport=tls`,
    'qualify_frequency=60',
    '',
    '[openum]',
    'type=identify',
    'endpoint=openum',
    `match=${cr.host}`,
    '',
  ].join('\n');
}

export function extensionsConf(f: PeerFacts): string {
  const numbers = f.numbers.length === 0
    ? ['; (no subscriber access or auto attendant number in the store yet: rerun after adding them)']
    : f.numbers.map((n) => `exten => ${n.number},1,Dial(PJSIP/${n.number}@openum)   ; ${n.kind === 'subscriber-access' ? 'subscriber access' : `auto attendant ${n.name}`}, dial plan ${n.dialPlan}`);
  return [
    `; extensions.conf for ${f.fqdn}: OpenUM numbers and voice mail (printed by openum integrate sip-server).`,
    '',
    '[globals]',
    `OPENUM_PILOT=${f.voiceMailPilot ?? ''}`,
    `USER_DOMAIN=${f.sipDomain ?? f.fqdn}   ; the domain of the users' SIP URIs in OpenUM`,
    '',
    '[from-phones]',
    ...numbers,
    '; a user: ring 20 s, then voice mail; the Diversion header (RFC 5806) names the called user',
    'exten => _[a-z0-9].,1,Dial(PJSIP/${EXTEN},20)',
    ' same => n,GotoIf($["${DIALSTATUS}" = "ANSWER"]?done)',
    ' same => n,Set(REASON=${IF($["${DIALSTATUS}" = "BUSY"]?user-busy:no-answer)})',
    ' same => n,Dial(PJSIP/${IF($["${OPENUM_PILOT}" = ""]?${EXTEN}:${OPENUM_PILOT})}@openum,,b(openum-diversion^s^1(${EXTEN},${REASON})))',
    ' same => n(done),Hangup()',
    '',
    '[openum-diversion]',
    'exten => s,1,Set(PJSIP_HEADER(add,Diversion)=<sip:${ARG1}@${USER_DOMAIN}>;reason=${ARG2};counter=1)',
    ' same => n,Return()',
    '',
    '[from-openum]',
    '; OpenUM calls users (Play on Phone, transfers) and sends MWI NOTIFYs to their phones',
    'exten => _[a-z0-9+].,1,Dial(PJSIP/${EXTEN})',
    '',
  ].join('\n');
}
