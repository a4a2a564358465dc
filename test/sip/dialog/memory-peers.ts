// Two SIP stacks joined by an in-memory "UDP" wire (SIP.js's transport-fake idea): each has its
// own transaction layer and dialog table; `drop` lets a test lose chosen messages on the way.
import { buildResponse } from '../../../src/sip/message/build.js';
import type { SipRequest } from '../../../src/sip/message/types.js';
import { DialogTable } from '../../../src/sip/dialog/dialog-table.js';
import type { Dialog, DialogEvents } from '../../../src/sip/dialog/dialog.js';
import { UasDialog } from '../../../src/sip/dialog/uas-dialog.js';
import { TransactionLayer, type RequestContext, type ServerInviteTransaction, type ServerTransaction, type TransportPort } from '../../../src/sip/transaction/transaction-layer.js';
import type { Endpoint, InboundMessage } from '../../../src/sip/transport/types.js';

export const A: Endpoint = { protocol: 'udp', address: '127.0.102.1', port: 5070 };
export const B: Endpoint = { protocol: 'udp', address: '127.0.102.2', port: 5080 };

export interface Wire {
  log: string[];
  /** Return true to lose a message (first line given). */
  drop: (firstLine: string, from: Endpoint) => boolean;
}

function port(self: Endpoint, wire: Wire, peers: Map<string, (m: InboundMessage) => void>): TransportPort {
  let handler: (m: InboundMessage) => void = () => undefined;
  peers.set(`${self.address}:${self.port}`, (m) => handler(m));
  return {
    onMessage: (h) => { handler = h; },
    send: async (dest, data) => {
      const first = data.toString('utf8').split('\r\n')[0] ?? '';
      wire.log.push(`${self.address === A.address ? 'A>B' : 'B>A'} ${first}`);
      if (wire.drop(first, self)) return;
      const to = peers.get(`${dest.address}:${dest.port}`);
      setImmediate(() => to?.({ data, source: self, local: dest }));
    },
  };
}

/** A TU that answers INVITEs with a UasDialog (after `ring` 180 unless told to wait) and routes in-dialog requests by the table. */
export class TestUas {
  readonly dialogs = new DialogTable<Dialog>();
  pending: { request: SipRequest; tx: ServerInviteTransaction; context: RequestContext } | undefined;
  last: UasDialog | undefined;
  answer = true;
  events: DialogEvents = {};
  readonly layer: TransactionLayer;

  constructor(layer: TransactionLayer) {
    this.layer = layer;
    layer.setUser(this);
  }

  onRequest(request: SipRequest, tx: ServerTransaction | undefined, context: RequestContext, cancelled?: ServerInviteTransaction): void {
    const d = this.dialogs.match(request);
    if (request.method === 'CANCEL' && tx) {
      tx.respond(buildResponse(request, 200, 'OK'));
      cancelled?.respond(buildResponse(cancelled.request, 487, 'Request Terminated', { toTag: 'early1' }));
      return;
    }
    if (d) return d.receive(request, tx);
    if (!tx) return;
    if (request.method !== 'INVITE') return tx.respond(buildResponse(request, 481, 'Call/Transaction Does Not Exist'));
    const inv = tx as ServerInviteTransaction;
    inv.respond(buildResponse(request, 180, 'Ringing', { toTag: 'early1' }));
    this.pending = { request, tx: inv, context };
    if (this.answer) this.accept();
  }

  accept(): UasDialog {
    const p = this.pending!;
    const d = new UasDialog(p.request, this.layer, p.context, `sip:b@${B.address}:${B.port}`, this.events);
    this.dialogs.set(d.id, d);
    d.accept(p.tx, Buffer.from('v=0\r\n'));
    this.last = d;
    return d;
  }
}

export function memoryPeers() {
  const wire: Wire = { log: [], drop: () => false };
  const peers = new Map<string, (m: InboundMessage) => void>();
  const timers = { T1: 50, T2: 400, T4: 500 };
  const a = new TransactionLayer(port(A, wire, peers), { timers });
  const b = new TransactionLayer(port(B, wire, peers), { timers });
  const uas = new TestUas(b);
  const aDialogs = new DialogTable<Dialog>();
  a.setUser({
    onRequest(request, tx) {
      const d = aDialogs.match(request);
      if (d) return d.receive(request, tx);
      tx?.respond(buildResponse(request, 481, 'Call/Transaction Does Not Exist'));
    },
  });
  return { wire, a, b, uas, aDialogs, close: () => { a.close(); b.close(); } };
}

export const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};
