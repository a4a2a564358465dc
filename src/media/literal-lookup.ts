// Address resolution for the RTP/RTCP sockets. dgram resolves the destination of every send()
// through its `lookup` function, dns.lookup by default, which even for an IP literal answers on
// the next tick: each packet then costs a tick, a closure and a second trip through dgram. Media
// destinations are literals nearly always (SDP c= lines, RFC 4566 §5.7, and latched sources), so
// this lookup answers a literal at once and leaves anything else (an FQDN in c=) to dns.lookup.
// The answer for a literal is the one dns.lookup would give: the address itself and its family.
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

// The last literal seen: a call's sends go to the same address string again and again.
let lastLiteral = '';
let lastFamily = 0;

export function literalLookup(hostname: string, options: LookupOneOptions, callback: LookupCallback): void {
  if (hostname !== lastLiteral) {
    const family = isIP(hostname);
    if (family === 0) {
      dnsLookup(hostname, options, callback);
      return;
    }
    lastLiteral = hostname;
    lastFamily = family;
  }
  callback(null, lastLiteral, lastFamily);
}
