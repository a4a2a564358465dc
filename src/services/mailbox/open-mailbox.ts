// The node's mailbox: messages' audio as files under the data directory (written as recorded),
// greetings and names in the store's audio table. One place decides, so a shared audio store for
// several nodes is a change here and nowhere else.
import { FileAudioStore } from '../../store/audio/file-audio-store.js';
import type { OpenNode } from '../node.js';
import { MailboxService } from './mailbox-service.js';

export function openMailbox(node: Pick<OpenNode, 'dataDir' | 'store'>): MailboxService {
  return new MailboxService({
    db: node.store.db,
    messageAudio: new FileAudioStore(node.dataDir),
  });
}
