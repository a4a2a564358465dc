// Hunt groups: GET/POST /api/huntgroups, PATCH/DELETE /api/huntgroups/:name?gateway=G (names are
// unique per gateway, so the row's gateway goes with it).
import { useI18n } from '../../i18n/index.js';
import { CrudPage, type FieldSpec } from './crud.js';

const fields: FieldSpec[] = [
  { name: 'name', label: 'common.name', required: true },
  { name: 'gateway', label: 'admin.gateway', optionsFrom: '/api/gateways', required: true, createOnly: true, read: (r) => r.gatewayName },
  { name: 'dialPlan', label: 'admin.dialPlan', optionsFrom: '/api/dialplans', required: true, read: (r) => r.dialPlanName },
  { name: 'pilotIdentifier', label: 'admin.hg.pilot', hint: 'admin.hg.pilotHint' },
];

export function HuntGroupsPage() {
  const { t } = useI18n();
  return (
    <CrudPage title="admin.nav.huntGroups" path="/api/huntgroups" fields={fields}
      itemPath={(r) => `/api/huntgroups/${encodeURIComponent(r.name)}?gateway=${encodeURIComponent(String(r.gatewayName))}`}
      columns={[
        { label: 'common.name', value: (r) => r.name },
        { label: 'admin.gateway', value: (r) => String(r.gatewayName) },
        { label: 'admin.dialPlan', value: (r) => String(r.dialPlanName) },
        { label: 'admin.hg.pilot', value: (r) => String(r.pilotIdentifier) || t('admin.hg.any') },
      ]} />
  );
}
