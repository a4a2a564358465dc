// Play on Phone from a message: the user gives a number, the server calls it and plays the
// message; the state is polled every second until it is final (completed, failed, cancelled),
// and the call can be cancelled meanwhile.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api.js';
import { ErrorNote } from '../../components/status.js';
import { useI18n, type Key } from '../../i18n/index.js';

type State = 'queued' | 'dialing' | 'ringing' | 'playing' | 'completed' | 'failed' | 'cancelled';
interface Call { id: number; state: State; sipStatus: number | null; reason: string | null; number: string }

const FINAL = new Set<State>(['completed', 'failed', 'cancelled']);
/** Polls stop after this many (10 minutes): a call stuck longer is the server's to end. */
const MAX_POLLS = 600;

export function PlayOnPhone({ messageId }: { messageId: number }) {
  const { t } = useI18n();
  const [call, setCall] = useState<Call>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const polls = useRef(0);
  const id = `pop-number-${messageId}`;

  useEffect(() => {
    if (!call || FINAL.has(call.state) || polls.current >= MAX_POLLS) return;
    const timer = setTimeout(() => {
      polls.current++;
      api<Call>('GET', `/api/me/play-on-phone/${call.id}`).then(setCall, setError);
    }, 1000);
    return () => clearTimeout(timer);
  }, [call]);

  const start = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const number = String(new FormData(e.currentTarget).get('number') ?? '').trim();
      const { id: callId } = await api<{ id: number }>('POST', `/api/me/messages/${messageId}/play-on-phone`, { number });
      polls.current = 0;
      setCall({ id: callId, state: 'queued', sipStatus: null, reason: null, number });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const cancel = async () => {
    if (!call) return;
    try {
      await api('DELETE', `/api/me/play-on-phone/${call.id}`);
      setCall(await api<Call>('GET', `/api/me/play-on-phone/${call.id}`));
    } catch (err) {
      setError(err);
    }
  };

  const running = call !== undefined && !FINAL.has(call.state);
  return (
    <div className="panel pop">
      <form onSubmit={start} className="row">
        <label htmlFor={id}>{t('user.pop.number')}</label>
        <input id={id} name="number" type="tel" autoComplete="tel" required disabled={running} />
        <button type="submit" disabled={busy || running}>{t('user.pop.start')}</button>
        {running && <button type="button" className="secondary" onClick={() => void cancel()}>{t('user.pop.cancel')}</button>}
      </form>
      <p className="pop-status" role="status" aria-live="polite">
        {call && t(`user.pop.state.${call.state}` as Key, { number: call.number })}
        {call?.state === 'failed' && (call.reason || call.sipStatus) ? ` (${[call.sipStatus, call.reason].filter(Boolean).join(' ')})` : ''}
      </p>
      <ErrorNote error={error} />
    </div>
  );
}
