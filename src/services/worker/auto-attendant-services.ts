// Wires the auto attendant application (apps/auto-attendant) to the store for one call: its
// configuration by id, uploaded greetings and announcements decoded to samples, the dial plan's
// directory for dial by extension and by name, and the clock. The worker supplies what only it
// knows: the transfer target (the gateway the call came from) and the hand-over to call
// answering. Tests set the clock with OPENUM_TEST_CLOCK (see testClock).
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { splitDisplayName } from '../../apps/auto-attendant/dial-by-name.js';
import type { AutoAttendantConfig, AutoAttendantServices, DirectoryEntry } from '../../apps/auto-attendant/types.js';
import { decodePcmWav, type PromptLibrary } from '../../media/audio/prompt-library.js';
import { dialPlanDirectory, getAutoAttendantAudio, loadAutoAttendantRuntime } from '../../org/auto-attendant-read.js';
import type { Database } from '../../store/schema.js';

/** The application's view of a stored auto attendant; undefined when it no longer exists. */
export async function loadAutoAttendantConfig(db: Kysely<Database>, id: number): Promise<AutoAttendantConfig | undefined> {
  const rt = await loadAutoAttendantRuntime(db, id);
  if (!rt) return undefined;
  const keys = (k: typeof rt.keys.business): AutoAttendantConfig['keys']['business'] => k.map((m) => {
    switch (m.action) {
      case 'transfer': return { key: m.key, action: m.action, extension: m.extension };
      case 'autoattendant': return { key: m.key, action: m.action, autoAttendantId: m.autoAttendantId };
      case 'voicemail': return { key: m.key, action: m.action, userId: m.userId };
      default: return { key: m.key, action: 'announcement' };
    }
  });
  return {
    id: rt.id, name: rt.name, enabled: rt.enabled, timeZone: rt.timeZone, hours: rt.hours, holidays: rt.holidays, greetings: rt.greetings,
    operatorExtension: rt.operatorExtension, dialByExtension: rt.dialByExtension, dialByName: rt.dialByName, language: rt.language,
    extensionLength: rt.extensionLength, inputFailuresBeforeDisconnect: rt.inputFailuresBeforeDisconnect,
    keys: { business: keys(rt.keys.business), after: keys(rt.keys.after) },
  };
}

/**
 * The clock of the auto attendant: the real one, or — only when OPENUM_TEST_CLOCK names an
 * instant (ISO 8601, e.g. 2026-03-04T10:00:00Z) — that instant plus the time elapsed since this
 * process read it, so a test decides whether a call arrives at business hours or after hours.
 */
export function testClock(env: NodeJS.ProcessEnv = process.env, log?: Logger): () => Date {
  const text = env.OPENUM_TEST_CLOCK;
  if (text === undefined || text === '') return () => new Date();
  const start = Date.parse(text);
  if (Number.isNaN(start)) {
    log?.warn({ OPENUM_TEST_CLOCK: text }, 'OPENUM_TEST_CLOCK is not an ISO 8601 instant; using the real clock');
    return () => new Date();
  }
  log?.warn({ OPENUM_TEST_CLOCK: text }, 'auto attendants use a test clock (OPENUM_TEST_CLOCK): unset it outside tests');
  const since = Date.now();
  return () => new Date(start + (Date.now() - since));
}

export interface AutoAttendantWiring {
  db: Kysely<Database>;
  prompts: PromptLibrary;
  /** The auto attendant's dial plan (its users are the directory). */
  dialPlanId: number;
  transferTarget(extension: string): string;
  leaveMessage(userId: number): Promise<void>;
  /** A user's recorded name (subscriber access records it); none yet by default. */
  recordedName?(userId: number): Promise<Int16Array | undefined>;
  now?(): Date;
  log: Logger;
}

export function autoAttendantServices(w: AutoAttendantWiring): AutoAttendantServices {
  return {
    prompts: w.prompts,
    now: w.now ?? (() => new Date()),
    loadAutoAttendant: (id) => loadAutoAttendantConfig(w.db, id),
    async audio(id, slot) {
      const wav = await getAutoAttendantAudio(w.db, id, slot);
      if (!wav) return undefined;
      try {
        return decodePcmWav(wav, 8000, `the auto attendant's ${slot} audio`);
      } catch (err) {
        // Never fail the call over one recording: the system prompt (or an invalid entry) instead.
        w.log.warn({ err, autoAttendant: id, slot }, 'stored auto attendant audio cannot be played');
        return undefined;
      }
    },
    transferTarget: w.transferTarget,
    leaveMessage: w.leaveMessage,
    async directory(): Promise<DirectoryEntry[]> {
      return (await dialPlanDirectory(w.db, w.dialPlanId)).map((u) => ({
        userId: u.userId, extension: u.extension, ...splitDisplayName(u.displayName.trim() === '' ? u.name : u.displayName),
      }));
    },
    recordedName: w.recordedName ?? (() => Promise.resolve(undefined)),
  };
}

/**
 * The blind-transfer target for an extension, at the gateway the call came from (the gateway
 * places the new call, RFC 3515 §2.4.2): sip:EXT@host:port, with ;transport=tcp|tls when the call
 * did not come over UDP; an IPv6 address in brackets (RFC 3261 §19.1.1).
 */
export function gatewayTransferTarget(gateway: { address: string; port: number }, transport: 'udp' | 'tcp' | 'tls'): (extension: string) => string {
  const host = gateway.address.includes(':') && !gateway.address.startsWith('[') ? `[${gateway.address}]` : gateway.address;
  const param = transport === 'udp' ? '' : `;transport=${transport}`;
  return (extension) => {
    if (!/^[0-9*#+]{1,32}$/.test(extension)) throw new Error(`not a dialable extension: ${JSON.stringify(extension.slice(0, 40))}`);
    return `sip:${extension}@${host}:${gateway.port}${param}`;
  };
}
