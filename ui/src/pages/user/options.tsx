// /voicemail/options — the greeting and recorded name, call answering, missed-call
// notifications (on, off, or the mailbox policy's), the language of the phone prompts, the web
// password and a new PIN. Settings go in one PATCH /api/me.
import { useState, type FormEvent } from 'react';
import { api } from '../../api.js';
import { ErrorNote, Loading, useLoad } from '../../components/status.js';
import { LANGUAGES, useI18n } from '../../i18n/index.js';
import { ChangePassword, PinReset } from './account-settings.js';
import { AudioSetting } from './audio-setting.js';

export interface Me {
  name: string;
  displayName: string;
  email: string;
  extension: string;
  dialPlan: string;
  language: 'en' | 'it' | 'es' | 'fr' | null;
  callAnswering: boolean;
  missedCallNotifications: boolean | null;
  hasGreeting: boolean;
  hasRecordedName: boolean;
  pinLocked: boolean;
}

function Settings({ me, onSaved }: { me: Me; onSaved: (me: Me) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(undefined);
    setDone(false);
    const f = new FormData(e.currentTarget);
    const missed = String(f.get('missed'));
    const language = String(f.get('language'));
    try {
      const saved = await api<Me>('PATCH', '/api/me', {
        callAnswering: f.get('callAnswering') === 'on',
        missedCallNotifications: missed === 'policy' ? null : missed === 'on',
        language: language === 'default' ? null : language,
      });
      onSaved(saved);
      setDone(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('user.options.calls')}</h2>
      <form onSubmit={submit} className="stack narrow-form">
        <label className="check">
          <input type="checkbox" name="callAnswering" defaultChecked={me.callAnswering} aria-describedby="answering-help" />
          {t('user.options.callAnswering')}
        </label>
        <p id="answering-help" className="muted">{t('user.options.callAnsweringHelp')}</p>
        <label>{t('user.options.missed')}
          <select name="missed" defaultValue={me.missedCallNotifications === null ? 'policy' : me.missedCallNotifications ? 'on' : 'off'}>
            <option value="policy">{t('user.options.policyDefault')}</option>
            <option value="on">{t('common.on')}</option>
            <option value="off">{t('common.off')}</option>
          </select>
        </label>
        <label>{t('user.options.language')}
          <select name="language" defaultValue={me.language ?? 'default'}>
            <option value="default">{t('user.options.dialPlanDefault', { dp: me.dialPlan })}</option>
            {LANGUAGES.map((l) => <option key={l.code} value={l.code} lang={l.code}>{l.name}</option>)}
          </select>
        </label>
        <ErrorNote error={error} />
        {done && <p className="ok" role="status">{t('user.options.saved')}</p>}
        <div><button type="submit">{t('common.save')}</button></div>
      </form>
    </section>
  );
}

export function OptionsPage() {
  const { t } = useI18n();
  const me = useLoad(() => api<Me>('GET', '/api/me'));
  const [saved, setSaved] = useState<Me>();
  const data = saved ?? me.data;
  const reload = () => { setSaved(undefined); me.reload(); };
  return (
    <section aria-labelledby="options-title">
      <h1 id="options-title">{t('user.options.title')}</h1>
      {me.loading && !data && <Loading />}
      <ErrorNote error={me.error} />
      {data && (<>
        <p className="muted">{t('user.options.who', { name: data.displayName || data.name, ext: data.extension, dp: data.dialPlan })}</p>
        <AudioSetting kind="greeting" has={data.hasGreeting} onChanged={reload} />
        <AudioSetting kind="recorded-name" has={data.hasRecordedName} onChanged={reload} />
        <Settings me={data} onSaved={setSaved} />
        <ChangePassword />
        <PinReset locked={data.pinLocked} />
      </>)}
    </section>
  );
}
