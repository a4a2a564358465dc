// What the admin API refuses to protect itself (docs/RELIABILITY.md "Admin API hardening"):
// failed authentication and its limit, uploads refused for size or while others are in flight,
// and store writes a full disk stopped. Labels come from fixed sets, never from the caller.
import { Counter, Gauge } from 'prom-client';
import { skippedWrites } from '../../store/disk-full.js';
import { registry } from './process-metrics.js';

const authRefusals = new Counter({
  name: 'openum_admin_auth_refusals_total',
  help: 'Admin API requests refused for authentication: failed (401 to a request with a token, cookie or sign-in) and limited (429: too many failures from its address).',
  labelNames: ['result'], registers: [registry],
});
const uploadRefusals = new Counter({
  name: 'openum_admin_upload_refusals_total',
  help: 'Audio uploads refused: busy (503, the uploads in flight are at their limit) or too_large (413).',
  labelNames: ['reason'], registers: [registry],
});
const uploadsInFlight = new Gauge({
  name: 'openum_admin_uploads_in_flight', help: 'Audio uploads being received and converted now (at most 2).', registers: [registry],
});
const diskFull = new Counter({
  name: 'openum_admin_disk_full_total', help: 'Admin API changes refused with 507 DISK_FULL: the disk under the store was full.', registers: [registry],
});
new Counter({
  name: 'openum_store_writes_skipped_total',
  help: 'Bookkeeping writes of a request (a token\'s last use, a session\'s last-seen) skipped because the store could not take them (a full disk, most likely); the request still answered.',
  registers: [registry],
  collect() {
    this.reset();
    this.inc(skippedWrites());
  },
});

export function countAuthRefusal(result: 'failed' | 'limited'): void {
  authRefusals.inc({ result });
}

export function countUploadRefusal(reason: 'busy' | 'too_large'): void {
  uploadRefusals.inc({ reason });
}

export function setUploadsInFlight(n: number): void {
  uploadsInFlight.set(n);
}

export function countDiskFull(): void {
  diskFull.inc();
}
