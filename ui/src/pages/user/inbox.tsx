// /voicemail — the inbox: new and saved messages with caller, time (in the UI language) and
// duration; play in the browser (an <audio> on the audio URL, so the browser seeks with HTTP
// Range), and playing marks the message read; mark read/unread, download, delete (confirmed),
// and Play on Phone.
import { useState } from 'react';
import { api } from '../../api.js';
import { ErrorNote, Loading, useLoad } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';
import { PlayOnPhone } from './play-on-phone.js';

export interface Message {
  id: number;
  caller: string;
  callerName: string;
  receivedAt: string;
  durationSec: number;
  read: boolean;
  kind: 'voicemail' | 'missed';
  hasAudio: boolean;
}

const audioUrl = (id: number) => `/api/me/messages/${id}/audio`;

export function duration(sec: number): string {
  return `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`;
}

function MessageItem({ m, onChanged }: { m: Message; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [playing, setPlaying] = useState(false);
  const [onPhone, setOnPhone] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [read, setRead] = useState(m.read);
  const [error, setError] = useState<unknown>();
  const who = m.callerName ? `${m.callerName} (${m.caller || t('user.inbox.unknown')})` : m.caller || t('user.inbox.unknown');
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(m.receivedAt));

  const mark = async (value: boolean) => {
    setError(undefined);
    try {
      await api('PATCH', `/api/me/messages/${m.id}`, { read: value });
      setRead(value);
    } catch (e) {
      setError(e);
    }
  };
  const remove = async () => {
    setError(undefined);
    try {
      await api('DELETE', `/api/me/messages/${m.id}`);
      onChanged();
    } catch (e) {
      setError(e);
      setConfirming(false);
    }
  };

  return (
    <li className={read ? 'message' : 'message unread'} aria-label={t('user.inbox.itemLabel', { who, when })}>
      <div className="row message-head">
        <span className={read ? 'badge' : 'badge good'}>{m.kind === 'missed' ? t('user.inbox.missed') : read ? t('user.inbox.saved') : t('user.inbox.new')}</span>
        <strong className="caller">{who}</strong>
        <time dateTime={m.receivedAt}>{when}</time>
        {m.hasAudio && <span className="muted">{t('user.inbox.duration', { d: duration(m.durationSec) })}</span>}
      </div>
      <div className="row actions">
        {m.hasAudio && <button type="button" onClick={() => setPlaying(!playing)} aria-expanded={playing}>{t(playing ? 'user.inbox.hide' : 'user.inbox.play')}</button>}
        <button type="button" className="secondary" onClick={() => void mark(!read)}>{t(read ? 'user.inbox.markUnread' : 'user.inbox.markRead')}</button>
        {m.hasAudio && <a className="button secondary" href={`${audioUrl(m.id)}?download=1`} download={`voicemail-${m.id}.wav`}>{t('user.inbox.download')}</a>}
        {m.hasAudio && <button type="button" className="secondary" onClick={() => setOnPhone(!onPhone)} aria-expanded={onPhone}>{t('user.pop.open')}</button>}
        {!confirming && <button type="button" className="danger" onClick={() => setConfirming(true)}>{t('common.delete')}</button>}
      </div>
      {confirming && (
        <div className="row confirm" role="group" aria-label={t('user.inbox.confirmDelete')}>
          <span>{t('user.inbox.confirmDelete')}</span>
          <button type="button" className="danger" autoFocus onClick={() => void remove()}>{t('user.inbox.deleteYes')}</button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
        </div>
      )}
      {playing && (
        <audio controls autoPlay preload="metadata" src={audioUrl(m.id)} aria-label={t('user.inbox.player', { who })}
          onPlay={() => { if (!read) void mark(true); }} />
      )}
      {onPhone && <PlayOnPhone messageId={m.id} />}
      <ErrorNote error={error} />
    </li>
  );
}

export function InboxPage() {
  const { t } = useI18n();
  const list = useLoad(() => api<{ messages: Message[] }>('GET', '/api/me/messages'));
  const messages = list.data?.messages ?? [];
  const unread = messages.filter((m) => !m.read).length;
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('user.inbox.title')}</h1>
      <div className="row">
        <p aria-live="polite">{t('user.inbox.count', { n: messages.length, u: unread })}</p>
        <button type="button" className="secondary" onClick={list.reload}>{t('user.inbox.refresh')}</button>
      </div>
      {list.loading && !list.data && <Loading />}
      <ErrorNote error={list.error} />
      {list.data && messages.length === 0 && <p>{t('user.inbox.empty')}</p>}
      <ul className="messages">
        {messages.map((m) => <MessageItem key={`${m.id}:${String(m.read)}`} m={m} onChanged={list.reload} />)}
      </ul>
    </section>
  );
}
