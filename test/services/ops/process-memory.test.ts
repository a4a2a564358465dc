// Each process reports its own memory in its metrics (openum_process_memory_bytes): RSS beside
// V8's heap, external and array-buffer memory, labelled with the process's name, so a scrape
// that sums the Call Router processes and workers keeps one series per process and kind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricsJson, setProcessName } from '../../../src/services/ops/process-metrics.js';

describe('openum_process_memory_bytes', () => {
  it('reports rss, heap_total, heap_used, external and array_buffers of this process under its name', async () => {
    setProcessName('call-router-7');
    const kept = Buffer.alloc(4 << 20, 1); // 4 MB outside the V8 heap: counted in external and array_buffers
    const gauge = (await metricsJson()).find((m) => m.name === 'openum_process_memory_bytes');
    assert.ok(gauge, 'the gauge is in the registry');
    const byKind = new Map(gauge.values.map((v) => [String(v.labels.kind), { process: v.labels.process, value: v.value }]));
    assert.deepEqual([...byKind.keys()].sort(), ['array_buffers', 'external', 'heap_total', 'heap_used', 'rss']);
    for (const [kind, v] of byKind) assert.equal(v.process, 'call-router-7', `${kind} is labelled with the process name`);
    const value = (k: string) => byKind.get(k)?.value ?? NaN;
    assert.ok(value('heap_used') > 0 && value('heap_used') <= value('heap_total'));
    assert.ok(value('array_buffers') >= kept.length, 'the 4 MB buffer is counted in array_buffers');
    assert.ok(value('external') >= value('array_buffers'));
    assert.ok(value('rss') > value('heap_used'));
    setProcessName('main');
  });
});
