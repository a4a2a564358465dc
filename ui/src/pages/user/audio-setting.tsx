// The personal greeting or the recorded name: listen to the current one, delete it, upload a WAV,
// or record one with the microphone, listen to the take, then keep it (PUT) or discard it.
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { api, upload } from '../../api.js';
import { ErrorNote } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';
import { startRecording, type Recording } from './wav-recorder.js';

export type AudioKind = 'greeting' | 'recorded-name';

export function AudioSetting({ kind, has, onChanged }: { kind: AudioKind; has: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const [recording, setRecording] = useState<Recording>();
  const [take, setTake] = useState<{ blob: Blob; url: string }>();
  const [version, setVersion] = useState(0);
  const fileRef = useRef<HTMLInputElement>(null);
  const url = `/api/me/${kind}`;
  const title = t(kind === 'greeting' ? 'user.audio.greeting' : 'user.audio.name');
  const idBase = `audio-${kind}`;

  useEffect(() => () => { recording?.abort(); }, [recording]);
  useEffect(() => () => { if (take) URL.revokeObjectURL(take.url); }, [take]);

  const run = async (work: () => Promise<unknown>, message: string) => {
    setError(undefined);
    setDone('');
    setBusy(true);
    try {
      await work();
      setDone(message);
      setVersion((n) => n + 1);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    void run(() => upload('PUT', url, file, 'audio/wav'), t('user.audio.saved')).then(() => { if (fileRef.current) fileRef.current.value = ''; });
  };
  const record = async () => {
    setError(undefined);
    setDone('');
    setTake(undefined);
    try {
      setRecording(await startRecording());
    } catch (e) {
      setError(e instanceof DOMException ? new Error(t('user.audio.noMic', { reason: e.message })) : e);
    }
  };
  const stop = async () => {
    if (!recording) return;
    const blob = await recording.stop();
    setRecording(undefined);
    setTake({ blob, url: URL.createObjectURL(blob) });
  };
  const keep = () => {
    if (!take) return;
    void run(() => upload('PUT', url, take.blob, 'audio/wav'), t('user.audio.saved')).then(() => setTake(undefined));
  };

  return (
    <section className="panel" aria-labelledby={`${idBase}-title`}>
      <h2 id={`${idBase}-title`}>{title}</h2>
      <p className="muted">{t(kind === 'greeting' ? 'user.audio.greetingHelp' : 'user.audio.nameHelp')}</p>
      {has ? (
        <div className="row">
          <audio key={version} controls preload="none" src={url} aria-label={t('user.audio.current', { what: title })} />
          <button type="button" className="danger" disabled={busy} onClick={() => void run(() => api('DELETE', url), t('user.audio.deleted'))}>{t('common.delete')}</button>
        </div>
      ) : <p>{t('user.audio.none')}</p>}
      <div className="row">
        <label htmlFor={`${idBase}-file`}>{t('user.audio.upload', { what: title })}</label>
        <input id={`${idBase}-file`} ref={fileRef} type="file" accept="audio/wav,audio/x-wav,.wav" disabled={busy} onChange={onFile} />
      </div>
      <div className="row">
        {!recording && <button type="button" className="secondary" disabled={busy} onClick={() => void record()}>{t('user.audio.record')}</button>}
        {recording && <button type="button" onClick={() => void stop()}>{t('user.audio.stop')}</button>}
        {recording && <span role="status" className="recording">{t('user.audio.recording')}</span>}
      </div>
      {take && (
        <div className="row" role="group" aria-label={t('user.audio.take')}>
          <audio controls src={take.url} aria-label={t('user.audio.take')} />
          <button type="button" disabled={busy} onClick={keep}>{t('user.audio.keep')}</button>
          <button type="button" className="secondary" onClick={() => setTake(undefined)}>{t('user.audio.discard')}</button>
        </div>
      )}
      {done && <p className="ok" role="status">{done}</p>}
      <ErrorNote error={error} />
    </section>
  );
}
