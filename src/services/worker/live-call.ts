// What a UM worker tells about each call it carries, for GET /api/calls and `openum calls`: built
// once when the call is answered (or placed), read only when someone asks.
import type { CallType } from '../../apps/registry.js';

export type LiveCallType = 'callAnswering' | 'subscriberAccess' | 'autoAttendant' | 'playOnPhone';

export interface LiveCall {
  /** The SIP Call-ID (the log's callId). */
  id: string;
  role: 'worker';
  /** The worker's number, from 1 (as /api/workers numbers them). */
  worker: number;
  type: LiveCallType;
  direction: 'inbound' | 'outbound';
  /** The caller's number (P-Asserted-Identity or From), '' when anonymous; the server for outbound calls. */
  from: string;
  /** The number called (Request-URI user). */
  to: string;
  gateway: string | null;
  dialPlan: string | null;
  /** The mailbox the call is for (call answering, Play on Phone), else null. */
  user: string | null;
  transport: 'udp' | 'tcp' | 'tls';
  media: 'RTP' | 'SRTP';
  /** ISO time the call was answered. */
  startedAt: string;
}

const TYPE_NAMES: Record<CallType, LiveCallType> = {
  CallAnswering: 'callAnswering',
  SubscriberAccess: 'subscriberAccess',
  AutoAttendant: 'autoAttendant',
};

export function liveCallType(type: CallType): LiveCallType {
  return TYPE_NAMES[type];
}
