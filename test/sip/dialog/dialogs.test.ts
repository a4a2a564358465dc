// The dialog layer (RFC 3261 §12, §13.2.2.4, §9.1, RFC 3515) between two in-memory SIP stacks:
// a UacInvite on one side, a UasDialog on the other, each side's requests matched through its
// dialog table.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { getHeader } from '../../../src/sip/message/headers.js';
import { DialogState, type DialogEvents } from '../../../src/sip/dialog/dialog.js';
import { refer, sipfragStatus } from '../../../src/sip/dialog/refer.js';
import { UacInvite, type UacDialog } from '../../../src/sip/dialog/uac-dialog.js';
import { A, B, memoryPeers, until } from './memory-peers.js';

let peers: ReturnType<typeof memoryPeers>;
afterEach(() => peers?.close());

async function call(options: { ended?: string[]; events?: DialogEvents } = {}): Promise<{ dialog: UacDialog; invite: UacInvite }> {
  const invite = new UacInvite({
    layer: peers.a, hop: { dest: B, viaHost: A.address, viaPort: A.port },
    requestUri: `sip:5551234@${B.address}:${B.port}`, from: `sip:um@${A.address}`, to: `sip:5551234@${B.address}`,
    contact: `sip:um@${A.address}:${A.port}`, body: Buffer.from('v=0\r\n'),
    events: { onTerminated: (r) => options.ended?.push(r), ...options.events },
  });
  const r = await invite.start((d) => peers.aDialogs.set(d.id, d));
  assert.ok(r.ok, 'the call is answered');
  return { dialog: r.dialog, invite };
}

describe('UAC and UAS dialogs', () => {
  it('makes the dialog from the 2xx, ACKs it, and BYE from us ends both sides', async () => {
    peers = memoryPeers();
    const ended: string[] = [];
    let confirmed = false;
    peers.uas.events = { onConfirmed: () => { confirmed = true; }, onTerminated: (r) => ended.push(r) };
    const { dialog } = await call();
    assert.equal(dialog.state, DialogState.Confirmed);
    await until(() => confirmed);
    assert.equal(dialog.remoteTarget, `sip:b@${B.address}:${B.port}`);
    dialog.bye();
    await until(() => ended.length === 1);
    assert.deepEqual(ended, ['bye-received']);
    assert.ok(peers.wire.log.includes('A>B BYE sip:b@127.0.102.2:5080 SIP/2.0'));
  });

  it('re-sends the ACK for a retransmitted 2xx (§13.2.2.4)', async () => {
    peers = memoryPeers();
    let acks = 0;
    peers.wire.drop = (line) => line.startsWith('ACK') && ++acks === 1; // the first ACK is lost
    let confirmed = false;
    peers.uas.events = { onConfirmed: () => { confirmed = true; } };
    await call();
    await until(() => confirmed);
    assert.ok(acks >= 2, 'a second ACK answered the retransmitted 2xx');
    assert.ok(peers.wire.log.filter((l) => l.startsWith('B>A SIP/2.0 200')).length >= 2);
  });

  it('a BYE from the peer ends our dialog', async () => {
    peers = memoryPeers();
    const ended: string[] = [];
    const { dialog } = await call({ ended });
    peers.uas.last!.bye();
    await until(() => ended.length === 1);
    assert.equal(dialog.state, DialogState.Terminated);
    assert.deepEqual(ended, ['bye-received']);
  });

  it('CANCEL of a pending INVITE waits for the 1xx and ends in 487 (§9.1)', async () => {
    peers = memoryPeers();
    peers.uas.answer = false;
    const invite = new UacInvite({
      layer: peers.a, hop: { dest: B, viaHost: A.address, viaPort: A.port },
      requestUri: `sip:1@${B.address}`, from: `sip:um@${A.address}`, to: `sip:1@${B.address}`, contact: `sip:um@${A.address}:${A.port}`, body: Buffer.alloc(0),
    });
    invite.cancel(); // before anything: nothing to cancel yet, kept for the 1xx
    const r = await invite.start();
    assert.equal(r.ok, false);
    assert.equal(r.ok ? 0 : r.status, 487);
    const cancelAt = peers.wire.log.findIndex((l) => l.startsWith('A>B CANCEL'));
    const ringingAt = peers.wire.log.findIndex((l) => l.startsWith('B>A SIP/2.0 180'));
    assert.ok(cancelAt > ringingAt && ringingAt >= 0, peers.wire.log.join('\n'));
  });

  it('in-dialog requests both ways: re-INVITE, INFO, NOTIFY; a lower CSeq is refused 500 (§12.2.2)', async () => {
    peers = memoryPeers();
    const infos: string[] = [];
    peers.uas.events = { onReoffer: () => Buffer.from('v=0\r\ns=new\r\n'), onInfo: (r) => infos.push(r.body.toString()) };
    const { dialog } = await call();
    const reinvite = await dialog.request('INVITE', { body: Buffer.from('v=0\r\n') });
    assert.equal(reinvite.status, 200);
    assert.match(reinvite.body.toString(), /s=new/);
    assert.equal((await dialog.request('INFO', { body: Buffer.from('Signal=5'), contentType: 'application/dtmf-relay' })).status, 200);
    assert.deepEqual(infos, ['Signal=5']);
    const uas = peers.uas.last!;
    assert.equal((await uas.request('NOTIFY', { headers: [{ name: 'Event', value: 'dialog' }] })).status, 200);
    // A REFER to us (we are no transferee): 405.
    assert.equal((await uas.request('REFER', { headers: [{ name: 'Refer-To', value: '<sip:x@y>' }] })).status, 405);
    // CSeq rules: re-send with an older number.
    (dialog as unknown as { localCSeq: number }).localCSeq = 0;
    assert.equal((await dialog.request('INFO')).status, 500);
  });
});

describe('REFER as the transferor (RFC 3515)', () => {
  it('202, NOTIFY 100 then NOTIFY 200 terminated: transferred, each NOTIFY answered 200', async () => {
    peers = memoryPeers();
    let referTo = '';
    peers.uas.events = {
      onRefer: (r) => {
        referTo = getHeader(r, 'Refer-To') ?? '';
        const uas = peers.uas.last!;
        setTimeout(() => void (async () => {
          const frag = (s: string, state: string) => uas.request('NOTIFY', { headers: [{ name: 'Event', value: 'refer' }, { name: 'Subscription-State', value: state }], body: Buffer.from(`SIP/2.0 ${s}\r\n`), contentType: 'message/sipfrag' });
          assert.equal((await frag('100 Trying', 'active;expires=60')).status, 200);
          assert.equal((await frag('200 OK', 'terminated;reason=noresource')).status, 200);
        })(), 10);
        return { status: 202, reason: 'Accepted' };
      },
    };
    const { dialog } = await call();
    const result = await refer(dialog, 'sip:2001@pbx.contoso.com');
    assert.deepEqual(result, { outcome: 'transferred' });
    assert.equal(referTo, '<sip:2001@pbx.contoso.com>');
  });

  it('a REFER answered 405 is refused with that status', async () => {
    peers = memoryPeers();
    const { dialog } = await call();
    const result = await refer(dialog, 'sip:2001@pbx');
    assert.equal(result.outcome, 'refused');
    assert.equal(result.outcome === 'refused' ? result.status : 0, 405);
  });

  it('a final sipfrag >= 300 is refused with the referred call status', async () => {
    peers = memoryPeers();
    peers.uas.events = {
      onRefer: () => {
        const uas = peers.uas.last!;
        setTimeout(() => void uas.request('NOTIFY', { headers: [{ name: 'Event', value: 'refer' }, { name: 'Subscription-State', value: 'terminated' }], body: Buffer.from('SIP/2.0 486 Busy Here\r\n'), contentType: 'message/sipfrag' }), 10);
        return { status: 202, reason: 'Accepted' };
      },
    };
    const { dialog } = await call();
    assert.deepEqual(await refer(dialog, 'sip:2001@pbx'), { outcome: 'refused', status: 486, reason: 'Busy Here' });
  });

  it('no NOTIFY in time is refused (408); the caller hanging up is a hang-up', async () => {
    peers = memoryPeers();
    peers.uas.events = { onRefer: () => ({ status: 202, reason: 'Accepted' }) };
    const { dialog } = await call();
    const r = await refer(dialog, 'sip:2001@pbx', { notifyTimeoutMs: 100 });
    assert.equal(r.outcome === 'refused' ? r.status : 0, 408);
    const pending = refer(dialog, 'sip:2001@pbx', { notifyTimeoutMs: 5000 });
    setTimeout(() => peers.uas.last!.bye(), 50);
    assert.deepEqual(await pending, { outcome: 'hangup' });
  });

  it('reads sipfrag status lines', () => {
    assert.deepEqual(sipfragStatus(Buffer.from('SIP/2.0 603 Declined\r\n')), { status: 603, reason: 'Declined' });
    assert.equal(sipfragStatus(Buffer.from('junk')), undefined);
  });

  it('the answering side (the worker\'s UasDialog) transfers the gateway: REFER over its route, NOTIFYs answered', async () => {
    peers = memoryPeers();
    const held: { dialog?: UacDialog } = {};
    const { dialog: d } = await call({
      events: {
        onRefer: (r) => {
          assert.equal(getHeader(r, 'Refer-To'), '<sip:1001@um.contoso.test>');
          setTimeout(() => void held.dialog?.request('NOTIFY', { headers: [{ name: 'Event', value: 'refer' }, { name: 'Subscription-State', value: 'terminated' }], body: Buffer.from('SIP/2.0 200 OK\r\n'), contentType: 'message/sipfrag' }), 10);
          return { status: 202, reason: 'Accepted' };
        },
      },
    });
    held.dialog = d;
    assert.deepEqual(await refer(peers.uas.last!, 'sip:1001@um.contoso.test'), { outcome: 'transferred' });
    assert.ok(peers.wire.log.some((l) => l.startsWith('B>A REFER')));
    assert.ok(peers.wire.log.some((l) => l.startsWith('B>A SIP/2.0 200')));
  });
});
