// The node's mailbox and PIN service (what the phone applications, the CLI and the API call).
// Messages' audio: on SQLite (one node) files under the data directory, written as recorded; on
// PostgreSQL (nodes sharing the store) spooled to a local file as recorded and moved into the
// store's audio table when the recording ends, so every node plays and deletes the same audio.
// Greetings and names are in the audio table on both engines. One place decides.
import type { Logger } from 'pino';
import { FileAudioStore } from '../../store/audio/file-audio-store.js';
import { SpooledTableAudioStore } from '../../store/audio/spooled-table-audio-store.js';
import type { OpenNode } from '../node.js';
import { MailboxService } from './mailbox-service.js';
import { PinService, smtpPinMailer } from './pin-service.js';

export function openMailbox(node: Pick<OpenNode, 'dataDir' | 'store'>): MailboxService {
  return new MailboxService({
    db: node.store.db,
    messageAudio: node.store.engine === 'postgres' ? new SpooledTableAudioStore(node.store.db, node.dataDir) : new FileAudioStore(node.dataDir),
  });
}

/** Logons by phone for this node: a PIN reset by wrong PINs is mailed through the node's SMTP settings. */
export function openPinService(node: Pick<OpenNode, 'store' | 'vault' | 'serverName'>, log: Logger): PinService {
  const db = node.store.db;
  const serverName = node.serverName;
  return new PinService({ db, log, ...(serverName ? { mailPin: smtpPinMailer({ db, vault: node.vault, serverName }) } : {}) });
}
