// The node's mailbox and PIN service (what the phone applications, the CLI and the API call): messages' audio as files under the data directory (written as recorded),
// greetings and names in the store's audio table. One place decides, so a shared audio store for
// several nodes is a change here and nowhere else.
import type { Logger } from 'pino';
import { FileAudioStore } from '../../store/audio/file-audio-store.js';
import type { OpenNode } from '../node.js';
import { MailboxService } from './mailbox-service.js';
import { PinService, smtpPinMailer } from './pin-service.js';

export function openMailbox(node: Pick<OpenNode, 'dataDir' | 'store'>): MailboxService {
  return new MailboxService({
    db: node.store.db,
    messageAudio: new FileAudioStore(node.dataDir),
  });
}

/** Logons by phone for this node: a PIN reset by wrong PINs is mailed through the node's SMTP settings. */
export function openPinService(node: Pick<OpenNode, 'store' | 'vault' | 'serverName'>, log: Logger): PinService {
  const db = node.store.db;
  const serverName = node.serverName;
  return new PinService({ db, log, ...(serverName ? { mailPin: smtpPinMailer({ db, vault: node.vault, serverName }) } : {}) });
}
