// UM mailbox policies: GET/POST /api/policies, PATCH/DELETE /api/policies/:name.
import { useI18n } from '../../i18n/index.js';
import { CrudPage, yesNo, type FieldSpec } from './crud.js';

const fields: FieldSpec[] = [
  { name: 'name', label: 'common.name', required: true },
  { name: 'dialPlan', label: 'admin.dialPlan', optionsFrom: '/api/dialplans', required: true, createOnly: true, read: (r) => r.dialPlanName },
  { name: 'minPinLength', label: 'admin.pol.minPinLength', kind: 'number' },
  { name: 'pinLifetimeDays', label: 'admin.pol.pinLifetimeDays', kind: 'number' },
  { name: 'pinHistoryCount', label: 'admin.pol.pinHistoryCount', kind: 'number' },
  { name: 'logonFailuresBeforePinReset', label: 'admin.pol.failuresBeforeReset', kind: 'number' },
  { name: 'maxLogonAttempts', label: 'admin.pol.maxLogonAttempts', kind: 'number' },
  { name: 'allowCommonPatterns', label: 'admin.pol.allowCommonPatterns', kind: 'checkbox' },
  { name: 'missedCallNotifications', label: 'admin.missedCalls', kind: 'checkbox' },
];

export function PoliciesPage() {
  const { t } = useI18n();
  return (
    <CrudPage title="admin.nav.policies" path="/api/policies" fields={fields} columns={[
      { label: 'common.name', value: (r) => <>{r.name} {r.isDefault === true && <span className="badge">{t('admin.default')}</span>}</> },
      { label: 'admin.dialPlan', value: (r) => String(r.dialPlanName) },
      { label: 'admin.pol.minPinLength', value: (r) => String(r.minPinLength) },
      { label: 'admin.pol.pinLifetimeDays', value: (r) => String(r.pinLifetimeDays) },
      { label: 'admin.pol.maxLogonAttempts', value: (r) => String(r.maxLogonAttempts) },
      { label: 'admin.missedCalls', value: (r) => yesNo(t, r.missedCallNotifications) },
    ]} />
  );
}
