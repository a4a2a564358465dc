// In-memory ports for the subscriber-access tests; every call is logged in `ops` (in order), so a
// test can check what the application asked of the services, and that it asked nothing after it
// returned.
import type {
  CallerId, MessageId, MessageSummary, PinChange, PinCheck, Subscriber, SubscriberAccessPorts,
} from '../../../src/apps/subscriber-access/ports.js';
import { tagged } from './fake-call.js';

export interface FakeUser {
  extension: string;
  pin: string;
  mustChange?: boolean;
  locked?: boolean;
  /** Caller IDs (numbers, SIP users) that identify the user. */
  callerIds?: string[];
  history?: string[];
}

export interface FakeMessage extends MessageSummary {
  owner: string;
  state: 'new' | 'saved' | 'deleted' | 'purged';
}

export class FakeServices {
  readonly users = new Map<string, FakeUser>();
  readonly messages: FakeMessage[] = [];
  readonly ops: string[] = [];
  readonly greetings = new Map<string, Int16Array>();
  readonly names = new Map<string, Int16Array>();
  /** Set to make the named port method throw. */
  failOn: string | undefined;
  minLength = 6;

  addUser(u: FakeUser): this {
    this.users.set(u.extension, u);
    return this;
  }

  addMessage(owner: string, id: string, state: 'new' | 'saved', extra: Partial<MessageSummary> = {}): this {
    this.messages.push({ id, owner, state, receivedAt: new Date(Date.UTC(2026, 2, 3, 10, 42)), durationMs: 4000, ...extra });
    return this;
  }

  state(id: string): FakeMessage['state'] | undefined {
    return this.messages.find((m) => m.id === id)?.state;
  }

  #op(name: string, detail = ''): void {
    this.ops.push(detail ? `${name} ${detail}` : name);
    if (this.failOn === name) throw new Error(`fake ${name} failed`);
  }

  #msg(user: Subscriber, id: MessageId): FakeMessage {
    const m = this.messages.find((x) => x.id === id && x.owner === user.id);
    if (!m) throw new Error(`no message ${id} for ${user.id}`);
    return m;
  }

  ports(): SubscriberAccessPorts {
    const sub = (u: FakeUser | undefined): Subscriber | undefined => (u ? { id: u.extension, extension: u.extension } : undefined);
    return {
      prompts: {
        sequence: async (names, language) => {
          await Promise.resolve();
          return tagged(names.map((n) => (language === 'en-US' ? n : `${language}:${n}`)), names.length * 100);
        },
      },
      directory: {
        byCallerId: async (caller: CallerId) => {
          this.#op('byCallerId', caller.id);
          return sub(caller.id ? [...this.users.values()].find((u) => u.callerIds?.includes(caller.id)) : undefined);
        },
        byExtension: async (extension) => {
          this.#op('byExtension', extension);
          return sub(this.users.get(extension));
        },
      },
      pins: {
        check: async (user, pin): Promise<PinCheck> => {
          this.#op('check', `${user.id} ${pin}`);
          const u = this.users.get(String(user.id));
          if (!u) throw new Error('no such user');
          if (u.locked) return { ok: false, reason: 'locked' };
          return u.pin === pin ? { ok: true, mustChange: u.mustChange === true } : { ok: false, reason: 'wrong' };
        },
        change: async (user, pin): Promise<PinChange> => {
          this.#op('change', `${user.id} ${pin}`);
          const u = this.users.get(String(user.id));
          if (!u) throw new Error('no such user');
          if (pin.length < this.minLength) return { ok: false, reason: 'too-short', minLength: this.minLength };
          if (pin.length > 24) return { ok: false, reason: 'too-long' };
          if (pin === u.pin || u.history?.includes(pin)) return { ok: false, reason: 'recently-used' };
          if (/^(\d)\1+$/.test(pin) || '0123456789'.includes(pin) || pin.includes(u.extension)) return { ok: false, reason: 'too-simple' };
          u.history = [...(u.history ?? []), u.pin];
          u.pin = pin;
          u.mustChange = false;
          return { ok: true };
        },
      },
      mailbox: {
        list: async (user) => {
          this.#op('list', String(user.id));
          const mine = this.messages.filter((m) => m.owner === user.id);
          const strip = ({ owner: _o, state: _s, ...m }: FakeMessage): MessageSummary => m;
          return { fresh: mine.filter((m) => m.state === 'new').map(strip), saved: mine.filter((m) => m.state === 'saved').map(strip) };
        },
        audio: async (user, id) => {
          this.#op('audio', String(id));
          this.#msg(user, id);
          return tagged([`audio:${id}`], 4000);
        },
        markRead: async (user, id) => {
          this.#op('markRead', String(id));
          this.#msg(user, id).state = 'saved';
        },
        save: async (user, id) => {
          this.#op('save', String(id));
          this.#msg(user, id).state = 'saved';
        },
        delete: async (user, id) => {
          this.#op('delete', String(id));
          const m = this.#msg(user, id);
          (m as FakeMessage & { before?: string }).before = m.state;
          m.state = 'deleted';
        },
        undelete: async (user, id) => {
          this.#op('undelete', String(id));
          const m = this.#msg(user, id) as FakeMessage & { before?: 'new' | 'saved' };
          m.state = m.before ?? 'saved';
        },
        purge: async (user, ids) => {
          this.#op('purge', ids.join(','));
          for (const id of ids) this.#msg(user, id).state = 'purged';
        },
      },
      greetings: {
        saveGreeting: async (user, samples) => {
          this.#op('saveGreeting', `${user.id} ${samples.length}`);
          this.greetings.set(String(user.id), samples);
        },
        saveName: async (user, samples) => {
          this.#op('saveName', `${user.id} ${samples.length}`);
          this.names.set(String(user.id), samples);
        },
      },
      speech: {
        number: (n) => [`num-${n}`],
        messages: (n, kind) => [`${n}-${kind}`],
        digits: (d) => [...d].map((c) => `digit-${c}`),
        dateTime: (when) => [`date-${when.toISOString().slice(0, 16)}`],
      },
    };
  }
}
