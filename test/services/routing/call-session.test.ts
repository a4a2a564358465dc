// The worker's call session (services/worker/call-session.ts) with a fake application: the
// registry answers per call type, the session gives the application its context (the caller from
// P-Asserted-Identity, the dial plan, the user, the called number, per-app services), the
// worker's transfer function reaches Call.transfer, and when the application returns the call is
// hung up and the media closed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import type { CallContext } from '../../../src/apps/call-context.js';
import { applicationFor, CALL_TYPE_DESCRIPTION } from '../../../src/apps/registry.js';
import { PromptLibrary } from '../../../src/media/audio/prompt-library.js';
import { LocalMediaHost } from '../../../src/media/local-media-host.js';
import { createLogger } from '../../../src/services/log.js';
import { CallSession } from '../../../src/services/worker/call-session.js';
import { PendingMessages } from '../../../src/services/voicemail/pending-messages.js';
import { alice, gateway, huntGroup, invite, plan } from './fake-view.js';

describe('application registry', () => {
  it('has an application for every call type: call answering, subscriber access, the auto attendant', () => {
    for (const type of ['CallAnswering', 'SubscriberAccess', 'AutoAttendant'] as const) assert.equal(typeof applicationFor(type), 'function', type);
    assert.equal(CALL_TYPE_DESCRIPTION.SubscriberAccess, 'subscriber access');
  });
});

describe('call session', () => {
  it('runs the application with its context, passes the transfer function, then hangs up and closes the media', async () => {
    const media = new LocalMediaHost();
    const ports = await media.allocate('127.0.101.5', { min: 41000, max: 41099 });
    let seen: CallContext | undefined;
    let transferred: unknown;
    let hangups = 0;
    const request = invite('sip:1000@127.0.101.1:5065;x-um-token=x', {
      headers: ['P-Asserted-Identity: "Reception" <sip:+390255599@127.0.101.10>, <tel:+390255599>'],
    });
    const session = new CallSession({
      db: undefined as never, mailbox: undefined as never, pins: undefined as never, dataDir: '/nonexistent', serverName: 'um', worker: 1, media, prompts: new PromptLibrary(),
      minRecordingMs: () => 2000, onStored: () => undefined, pending: new PendingMessages(tmpdir()), onPending: () => undefined, log: createLogger('silent'),
    }, {
      callId: 'call-1', invite: request, ports, transport: 'udp',
      routed: { gateway, huntGroup, dialPlan: plan, callType: 'CallAnswering', user: alice, via: 'routing token' },
      media: { codec: 'PCMU', payloadType: 0, remote: { address: '127.0.101.5', port: 9 } },
      hangup: () => void hangups++,
      transfer: (target) => Promise.resolve({ outcome: 'refused', status: 501, reason: `no transfer to ${target}` }),
      application: async (ctx) => {
        seen = ctx;
        transferred = await ctx.call.transfer('sip:1001@127.0.101.10');
        assert.equal(typeof ctx.services.callAnswering.mailbox, 'function', 'call answering services are there when asked for');
        return 'finished';
      },
    });
    await session.done;
    assert.deepEqual(seen?.caller, { id: '+390255599', name: 'Reception', uri: 'sip:+390255599@127.0.101.10' });
    assert.equal(seen?.called, '1000');
    assert.equal(seen?.callType, 'CallAnswering');
    assert.equal(seen?.user?.name, 'alice');
    assert.equal(seen?.dialPlan.defaultLanguage, 'en-US');
    assert.deepEqual(transferred, { outcome: 'refused', status: 501, reason: 'no transfer to sip:1001@127.0.101.10' });
    assert.equal(hangups, 1, 'the application returned with the call up: the session hung up');
    assert.equal(seen?.call.active, false);
  });
});
