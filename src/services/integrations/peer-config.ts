// The peer-side configuration for each kind of SIP server, as named files.
import { extensionsConf, pjsipConf } from './peer-asterisk.js';
import { genericDescription } from './peer-generic.js';
import { kamailioCfg, kamailioTlsCfg } from './peer-kamailio.js';
import type { PeerFacts } from './sip-server-types.js';

export function renderPeerConfig(f: PeerFacts): { name: string; text: string }[] {
  switch (f.kind) {
    case 'kamailio': return [{ name: 'kamailio.cfg', text: kamailioCfg(f) }, { name: 'tls.cfg', text: kamailioTlsCfg(f) }];
    case 'asterisk': return [{ name: 'pjsip.conf', text: pjsipConf(f) }, { name: 'extensions.conf', text: extensionsConf(f) }];
    case 'generic': return [{ name: 'openum-trunk.txt', text: genericDescription(f) }];
  }
}
