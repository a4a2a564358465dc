// The dialog table (RFC 3261 §12): dialogs are found by their dialog ID, Call-ID + local tag +
// remote tag. An in-dialog request carries our tag in To and the peer's in From (§12.2.2), so a
// request matches whichever side created the dialog, UAS or UAC.
import { getHeader } from '../message/headers.js';
import { parseNameAddr } from '../message/name-addr.js';
import type { SipRequest } from '../message/types.js';

export function dialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

/** The tag parameter of a From/To value ('' when absent or unreadable). */
export function tagOf(value: string | undefined): string {
  if (!value) return '';
  try {
    return String(parseNameAddr(value).params.get('tag') ?? '');
  } catch {
    return '';
  }
}

/** The dialog ID an incoming request names, or undefined when its To has no tag (not in a dialog). */
export function dialogIdOfRequest(request: SipRequest): string | undefined {
  const local = tagOf(getHeader(request, 'To'));
  if (!local) return undefined;
  return dialogId(getHeader(request, 'Call-ID') ?? '', local, tagOf(getHeader(request, 'From')));
}

/** Dialogs (or whatever the TU keeps per dialog) by dialog ID. */
export class DialogTable<T> {
  readonly #entries = new Map<string, T>();

  get size(): number {
    return this.#entries.size;
  }

  set(id: string, entry: T): void {
    this.#entries.set(id, entry);
  }

  get(id: string): T | undefined {
    return this.#entries.get(id);
  }

  delete(id: string): boolean {
    return this.#entries.delete(id);
  }

  /** The entry of the dialog an in-dialog request belongs to (§12.2.2). */
  match(request: SipRequest): T | undefined {
    const id = dialogIdOfRequest(request);
    return id === undefined ? undefined : this.#entries.get(id);
  }

  values(): IterableIterator<T> {
    return this.#entries.values();
  }
}
