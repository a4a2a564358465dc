// The refusal ring of one process: newest first, bounded however many refusals arrive (a flood
// of INVITEs must not grow memory), From/To cut to their URIs, the gateway named once classify
// has identified it; and several processes' rings merged by time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../../src/services/routing/classify.js';
import { mergeRefusals, RefusalLog, type RefusalEntry } from '../../../src/services/routing/refusal-log.js';
import { SipRefusal } from '../../../src/services/routing/sip-refusal.js';
import type { RequestContext } from '../../../src/sip/transaction/transaction-layer.js';
import { fakeView, gateway, invite } from './fake-view.js';

const context = (port: number): RequestContext => ({
  source: { protocol: 'udp', address: '127.0.113.62', port },
  local: { protocol: 'udp', address: '127.0.113.10', port: 5060 },
});

describe('refusal log', () => {
  it('keeps the newest entries first and never more than its size', () => {
    const log = new RefusalLog('callRouter', { size: 200 });
    for (let i = 0; i < 10_000; i++) log.record(invite(`sip:${i}@um`), new SipRefusal(404, `Not Found - ${i}`), context(i % 60000));
    const all = log.list();
    assert.equal(all.length, 200);
    assert.equal(all[0]?.reason, 'Not Found - 9999');
    assert.equal(all[199]?.reason, 'Not Found - 9800');
    assert.deepEqual(log.list(3).map((e) => e.reason), ['Not Found - 9999', 'Not Found - 9998', 'Not Found - 9997']);
    assert.equal(new RefusalLog('worker').list().length, 0);
  });

  it('records method, From/To URIs, peer, transport, role, worker and the gateway classify named', () => {
    const log = new RefusalLog('worker', { worker: 2 });
    const request = invite('sip:9999@um', { headers: ['Diversion: <sip:5555@gw>'] });
    const decision = classify(request, { protocol: 'udp', sourceIp: '127.0.101.10' }, fakeView());
    assert.ok(decision instanceof SipRefusal);
    log.record(request, decision, context(5070));
    const [e] = log.list();
    assert.equal(e?.role, 'worker');
    assert.equal(e?.worker, 2);
    assert.equal(e?.method, 'INVITE');
    assert.equal(e?.status, 404);
    assert.equal(e?.gateway, gateway.name);
    assert.equal(e?.peer, '127.0.113.62:5070');
    assert.equal(e?.transport, 'udp');
    assert.doesNotMatch(e?.from ?? '', /[<>;]/);
    assert.doesNotMatch(e?.to ?? '', /[<>;]/);
    const stranger = classify(request, { protocol: 'udp', sourceIp: '127.0.113.99' }, fakeView());
    assert.ok(stranger instanceof SipRefusal);
    assert.equal(stranger.gateway, undefined, 'not a gateway: none named');
  });

  it('merges several processes by time, newest first, up to the limit', () => {
    const at = (s: number, role: RefusalEntry['role']): RefusalEntry => ({
      at: new Date(Date.UTC(2026, 11, 6, 14, 0, s)).toISOString(), role, status: 403, reason: 'r', method: 'INVITE', from: '', to: '', peer: '', transport: 'udp', gateway: null,
    });
    const merged = mergeRefusals([[at(5, 'callRouter'), at(1, 'callRouter')], [at(4, 'worker')], [at(3, 'umService')]], 3);
    assert.deepEqual(merged.map((e) => [e.at.slice(17, 19), e.role]), [['05', 'callRouter'], ['04', 'worker'], ['03', 'umService']]);
  });
});
