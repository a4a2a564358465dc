// UM users: GET/POST /api/users, PATCH/DELETE /api/users/:name, and per user an invitation to the
// web services (POST /api/users/:name/invite → { link, expiresAt, emailed }), a PIN reset (POST
// …/pin/reset answers the new PIN once: shown here once, never again) and unlock (POST …/pin/unlock).
import { useState } from 'react';
import { api } from '../../api.js';
import { ErrorNote } from '../../components/status.js';
import { useI18n } from '../../i18n/index.js';
import { CrudPage, yesNo, type FieldSpec, type Row } from './crud.js';

const fields: FieldSpec[] = [
  { name: 'name', label: 'common.name', required: true },
  { name: 'displayName', label: 'admin.user.displayName' },
  { name: 'extension', label: 'admin.user.extension', required: true },
  { name: 'email', label: 'admin.user.email', kind: 'email', required: true },
  { name: 'dialPlan', label: 'admin.dialPlan', optionsFrom: '/api/dialplans', required: true, read: (r) => r.dialPlanName },
  { name: 'policy', label: 'admin.user.policy', optionsFrom: '/api/policies', read: (r) => r.policyName },
  { name: 'sipUri', label: 'admin.user.sipUri' },
  { name: 'language', label: 'admin.user.language', kind: 'select', options: ['en-US', 'it-IT', 'es-ES', 'fr-FR'] },
  { name: 'umEnabled', label: 'admin.user.umEnabled', kind: 'checkbox' },
  { name: 'callAnswering', label: 'admin.user.callAnswering', kind: 'checkbox' },
];

interface Invite { link: string; expiresAt: string; emailed: boolean }

type Notice = { kind: 'invite'; user: string; invite: Invite } | { kind: 'pin'; user: string; pin: string } | { kind: 'unlocked'; user: string };

export function UsersPage() {
  const { t } = useI18n();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (what: () => Promise<Notice>) => {
    setError(null);
    setNotice(null);
    try {
      setNotice(await what());
    } catch (e) {
      setError(e);
    }
  };
  const base = (r: Row) => `/api/users/${encodeURIComponent(r.name)}`;
  return (
    <CrudPage title="admin.nav.users" path="/api/users" fields={fields}
      columns={[
        { label: 'common.name', value: (r) => r.name },
        { label: 'admin.user.displayName', value: (r) => String(r.displayName) },
        { label: 'admin.user.extension', value: (r) => String(r.extension) },
        { label: 'admin.user.email', value: (r) => String(r.email) },
        { label: 'admin.dialPlan', value: (r) => String(r.dialPlanName) },
        { label: 'admin.user.umEnabled', value: (r) => yesNo(t, r.umEnabled) },
      ]}
      rowActions={(r) => <>
        <button type="button" className="secondary" aria-label={t('admin.user.inviteUser', { name: r.name })}
          onClick={() => void run(async () => ({ kind: 'invite', user: r.name, invite: await api<Invite>('POST', `${base(r)}/invite`, {}) }))}>{t('admin.user.invite')}</button>
        <button type="button" className="secondary" aria-label={t('admin.user.resetPinOf', { name: r.name })}
          onClick={() => void run(async () => ({ kind: 'pin', user: r.name, pin: (await api<{ pin: string }>('POST', `${base(r)}/pin/reset`, {})).pin }))}>{t('admin.user.resetPin')}</button>
        <button type="button" className="secondary" aria-label={t('admin.user.unlockOf', { name: r.name })}
          onClick={() => void run(async () => { await api('POST', `${base(r)}/pin/unlock`, {}); return { kind: 'unlocked', user: r.name }; })}>{t('admin.user.unlock')}</button>
      </>}>
      <ErrorNote error={error} />
      {notice && (
        <div className="ok" role="status">
          {notice.kind === 'invite' && <>
            <p>{t(notice.invite.emailed ? 'admin.user.invitedMailed' : 'admin.user.invited', { name: notice.user, expires: new Date(notice.invite.expiresAt).toLocaleString() })}</p>
            <label htmlFor="invite-link">{t('admin.user.inviteLink')}<input id="invite-link" readOnly value={notice.invite.link} onFocus={(e) => e.target.select()} /></label>
          </>}
          {notice.kind === 'pin' && <p>{t('admin.user.newPin', { name: notice.user })} <strong data-testid="new-pin">{notice.pin}</strong></p>}
          {notice.kind === 'unlocked' && <p>{t('admin.user.unlocked', { name: notice.user })}</p>}
          <button type="button" className="secondary" onClick={() => setNotice(null)}>{t('common.close')}</button>
        </div>
      )}
    </CrudPage>
  );
}
