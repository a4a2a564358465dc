// UM IP gateways: GET/POST /api/gateways, PATCH/DELETE /api/gateways/:name. The address is an IP
// address or an FQDN (a TLS peer is matched by its certificate's name).
import { useI18n } from '../../i18n/index.js';
import { CrudPage, yesNo, type FieldSpec } from './crud.js';

const fields: FieldSpec[] = [
  { name: 'name', label: 'common.name', required: true },
  { name: 'address', label: 'admin.gw.address', required: true, hint: 'admin.gw.addressHint' },
  { name: 'dialPlan', label: 'admin.dialPlan', optionsFrom: '/api/dialplans', createOnly: true },
  { name: 'port', label: 'admin.port', kind: 'number' },
  { name: 'status', label: 'admin.status', kind: 'select', options: ['Enabled', 'Disabled', 'NoNewCalls'] },
  { name: 'ipAddressFamily', label: 'admin.gw.family', kind: 'select', options: ['IPv4Only', 'IPv6Only', 'Any'] },
  { name: 'outcallsAllowed', label: 'admin.gw.outcalls', kind: 'checkbox' },
  { name: 'mwiAllowed', label: 'admin.gw.mwi', kind: 'checkbox' },
];

export function GatewaysPage() {
  const { t } = useI18n();
  return (
    <CrudPage title="admin.nav.gateways" path="/api/gateways" fields={fields} columns={[
      { label: 'common.name', value: (r) => r.name },
      { label: 'admin.gw.address', value: (r) => `${String(r.address)}:${String(r.port)}` },
      { label: 'admin.status', value: (r) => <span className={r.status === 'Enabled' ? 'badge good' : 'badge'}>{String(r.status)}</span> },
      { label: 'admin.gw.outcalls', value: (r) => yesNo(t, r.outcallsAllowed) },
      { label: 'admin.gw.mwi', value: (r) => yesNo(t, r.mwiAllowed) },
    ]} />
  );
}
