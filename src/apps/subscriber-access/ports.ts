// The ports of the subscriber access application: everything it needs besides the Call. Each is
// a small interface that the worker adapts from the real services (the mailbox service, the PIN
// and mailbox-policy service, the prompt library, the number/date speech of the dial plan's
// language), so that the application is a state machine over `Call` plus these, and its tests
// run against fakes. Users and messages are opaque to the application: it hands back what the
// ports gave it. No port is called after the application returned.

/**
 * The caller as routing identified them: P-Asserted-Identity (RFC 3325) when a trusted gateway
 * sent one, else From (the same shape as apps/call-context.ts's CallerId).
 */
export interface CallerId {
  /** The number or the SIP URI's user part; '' when anonymous. */
  id: string;
  /** The display name; '' when none. */
  name: string;
}

/** The services' keys for users and messages: opaque here, handed back as they came. */
export type UserKey = string | number;
export type MessageId = string | number;

/**
 * A mailbox owner, as the directory found them. The application hands this very object back to
 * the other ports, so an adapter may carry more on it (the user's name, their time zone).
 * Message ids reach the ports only from `list` of the same subscriber.
 */
export interface Subscriber {
  id: UserKey;
  extension: string;
  /** The subscriber's own prompt language; null or absent: the dial plan's (or the call's). */
  language?: string | null;
}

export interface DirectoryPort {
  /**
   * The subscriber of this dial plan the caller ID names (their extension, or their SIP URI's
   * user), or undefined: then the caller is asked for an extension. (When routing already found
   * the user by caller ID, the adapter just returns that user.)
   */
  byCallerId(caller: CallerId): Promise<Subscriber | undefined>;
  /** The subscriber of this dial plan at `extension` (digits as entered), or undefined. */
  byExtension(extension: string): Promise<Subscriber | undefined>;
}

export type PinCheck =
  /** Logged on; `mustChange` when the PIN was reset or has expired (the policy's lifetime). */
  | { ok: true; mustChange: boolean }
  /** 'wrong': not the PIN (the service counts it, resets or locks per policy, audits it). */
  | { ok: false; reason: 'wrong' | 'locked' };

/** Why the policy refused a new PIN; each has its own prompt. */
export type PinViolation =
  /** Shorter than the policy's minimum length (`minLength` is said when given). */
  | 'too-short'
  | 'too-long'
  /** One of the last N PINs (the policy's history). */
  | 'recently-used'
  /** A common pattern: repeated or consecutive digits, the extension. */
  | 'too-simple';

export type PinChange = { ok: true } | { ok: false; reason: PinViolation; minLength?: number };

export interface PinPort {
  /** Checks `pin` (digits only). A locked mailbox answers 'locked' whatever the PIN. */
  check(user: Subscriber, pin: string): Promise<PinCheck>;
  /** Sets a new PIN if the policy allows it (clears must-change). */
  change(user: Subscriber, pin: string): Promise<PinChange>;
}

/** A message as the phone presents it. */
export interface MessageSummary {
  id: MessageId;
  /** The caller's number as digits (a leading + allowed), to be said; undefined: unknown caller. */
  callerNumber?: string;
  /**
   * Where "call the sender" transfers to (a sip: or tel: URI that the dial plan's outdialing
   * rules and the gateway allow); undefined when the sender cannot be called back.
   */
  callbackUri?: string;
  receivedAt: Date;
  durationMs: number;
}

export interface MailboxPort {
  /**
   * The user's messages in the order they are played: `fresh` (unread) and `saved` (read, kept).
   * Messages deleted during this call (not yet purged) are in neither.
   */
  list(user: Subscriber): Promise<{ fresh: MessageSummary[]; saved: MessageSummary[] }>;
  /** The message's audio, 8 kHz 16-bit mono samples. */
  audio(user: Subscriber, id: MessageId): Promise<Int16Array>;
  /** The message was played to its end: it is read (the service updates the MWI lamp). */
  markRead(user: Subscriber, id: MessageId): Promise<void>;
  /** The caller saved the message: read and kept. */
  save(user: Subscriber, id: MessageId): Promise<void>;
  /** Deleted, but restorable until `purge`: hidden from `list`, the lamp follows. */
  delete(user: Subscriber, id: MessageId): Promise<void>;
  /** Restores a message deleted during this call. */
  undelete(user: Subscriber, id: MessageId): Promise<void>;
  /** The call ended: the messages still deleted are deleted for good (audio included). */
  purge(user: Subscriber, ids: readonly MessageId[]): Promise<void>;
}

export interface GreetingPort {
  /** Replaces the user's personal greeting (8 kHz 16-bit mono samples). */
  saveGreeting(user: Subscriber, samples: Int16Array): Promise<void>;
  /** Replaces the user's recorded name (said by the directory and auto attendants). */
  saveName(user: Subscriber, samples: Int16Array): Promise<void>;
}

/** Prompt names that say numbers, digits and dates in the call's language (apps/speech). */
export interface SpeechPort {
  /** A number as words (the PIN policy's minimum length). */
  number(n: number, language: string): readonly string[];
  /**
   * A count of messages as a phrase that stands alone: "three new messages", "one saved
   * message", "no new messages" (nessun nuovo messaggio, ningún mensaje nuevo, aucun nouveau
   * message).
   */
  messages(n: number, kind: 'new' | 'saved', language: string): readonly string[];
  /** A telephone number digit by digit (a leading + said or dropped as the language does). */
  digits(digits: string, language: string): readonly string[];
  /** When a message arrived, in the dial plan's time zone ("Monday 3 March at 10:42"). */
  dateTime(when: Date, language: string): readonly string[];
}

/** Loads prompts by name (the PromptLibrary fits): a sequence is played as one. */
export interface PromptPort {
  sequence(names: readonly string[], language: string): Promise<Int16Array>;
}

export interface SubscriberAccessPorts {
  prompts: PromptPort;
  directory: DirectoryPort;
  pins: PinPort;
  mailbox: MailboxPort;
  greetings: GreetingPort;
  speech: SpeechPort;
}
