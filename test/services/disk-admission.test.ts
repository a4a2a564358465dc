// The worker's admission by disk room, with a fake free-space reader: the threshold follows the
// dial plan's maximum message length, a full disk is 503 with the disk Retry-After, space coming
// back lets calls in again, and an unreadable disk refuses nothing.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { bytesForCall, DISK_MARGIN_BYTES, DiskAdmission } from '../../src/services/worker/disk-admission.js';
import { RETRY_AFTER } from '../../src/services/routing/sip-refusal.js';

function logged(): { log: pino.Logger; lines: { msg: string }[] } {
  const lines: { msg: string }[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, done) { lines.push(JSON.parse(chunk.toString()) as { msg: string }); done(); } });
  return { log: pino(sink), lines };
}

describe('DiskAdmission', () => {
  it('needs one maximum-length message (16,000 bytes a second) plus the margin', () => {
    assert.equal(bytesForCall(20), 44 + 20 * 60 * 16_000 + DISK_MARGIN_BYTES);
    assert.equal(bytesForCall(1), 960_044 + 16 * 1024 * 1024);
  });

  it('refuses with 503 below the threshold of the dial plan and accepts again when space returns', async () => {
    let free = bytesForCall(20) - 1;
    const { log, lines } = logged();
    const disk = new DiskAdmission({ dir: '/srv/openum', log, readFree: () => Promise.resolve(free) });
    await disk.refresh();
    const r = disk.refusal({ maxRecordingMinutes: 20 });
    assert.equal(r?.status, 503);
    assert.equal(r?.reason, 'Service Unavailable - voice mail storage full');
    assert.equal(r?.retryAfter, RETRY_AFTER.diskFull);
    assert.equal(disk.refusal({ maxRecordingMinutes: 10 }), undefined, 'room for a 10-minute message');
    disk.refusal({ maxRecordingMinutes: 20 });
    disk.refusal({ maxRecordingMinutes: 20 });
    free = bytesForCall(20);
    assert.ok(disk.refusal({ maxRecordingMinutes: 20 }), 'the cached reading stands until the next refresh');
    await disk.refresh();
    assert.equal(disk.refusal({ maxRecordingMinutes: 20 }), undefined);
    // One line when refusing starts and one when it ends, not one per call.
    const msgs = lines.map((l) => l.msg);
    assert.equal(msgs.filter((m) => m.startsWith('voice mail storage full')).length, 1);
    assert.equal(msgs.filter((m) => m.startsWith('voice mail storage has room again')).length, 1);
  });

  it('refuses nothing while the free space cannot be read', async () => {
    const { log, lines } = logged();
    const disk = new DiskAdmission({ dir: '/srv/openum', log, readFree: () => Promise.reject(new Error('EIO')) });
    await disk.refresh();
    assert.equal(disk.freeBytes, undefined);
    assert.equal(disk.refusal({ maxRecordingMinutes: 20 }), undefined);
    assert.match(lines[0]?.msg ?? '', /cannot read the free space/);
  });

  it('reads the real disk with statfs on a timer that stop() ends', async () => {
    const { log } = logged();
    const disk = new DiskAdmission({ dir: '.', log, intervalMs: 10_000 });
    await disk.start();
    assert.ok((disk.freeBytes ?? -1) >= 0);
    disk.stop();
  });
});
