// What the voice-mail and Play on Phone routes answer, field by field, for the OpenAPI document
// (and for the user routes under /api/me, which answer the same objects). `checks` fails to
// compile when an interface and its schema differ.
import { z } from 'zod';
import { POP_STATES, type PlayOnPhoneCall } from '../../org/play-on-phone.js';
import type { VoiceMessage } from '../../org/voice-messages.js';
import type { Same } from '../route-schema.js';

const int = z.number().int();

export const voiceMessageView = z.object({
  id: int, key: z.string(), serverName: z.string(), worker: int, userId: int,
  callerId: z.string(), callerName: z.string(), called: z.string(), callId: z.string(),
  receivedAt: z.string(), durationMs: int, audioPath: z.string().describe('Relative to the data directory'),
  audioFormat: z.enum(['WAV', 'MP3']), state: z.enum(['recording', 'stored', 'missed']),
  endReason: z.enum(['hangup', 'dtmf', 'silence', 'max-duration', 'max-call', 'crash', 'shutdown']).nullable(),
  read: z.boolean(), delivery: z.enum(['pending', 'delivered', 'failed', 'none']), deliveryAttempts: int,
  nextAttemptAt: z.string().nullable(), deliveredAt: z.string().nullable(), lastError: z.string().nullable(),
  deletedAt: z.string().nullable().describe('Set while deleted by phone and still restorable until the call ends'),
}).meta({ id: 'VoiceMessage' });

export const playOnPhoneView = z.object({
  id: int, messageId: int, userId: int, gatewayId: int, number: z.string(),
  state: z.enum(POP_STATES), sipStatus: int.nullable().describe('The SIP status of a failed call, or of the final response'),
  reason: z.string().nullable(), worker: int.nullable(), cancelRequested: z.boolean(), createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'PlayOnPhoneCall' });

const checks: [Same<z.output<typeof voiceMessageView>, VoiceMessage>, Same<z.output<typeof playOnPhoneView>, PlayOnPhoneCall>] = [true, true];
void checks;
