// Dial plans: GET/POST /api/dialplans, PATCH/DELETE /api/dialplans/:name.
import { useI18n } from '../../i18n/index.js';
import { CrudPage, type FieldSpec } from './crud.js';

const fields: FieldSpec[] = [
  { name: 'name', label: 'common.name', required: true },
  { name: 'uriType', label: 'admin.dp.uriType', kind: 'select', options: ['TelExtn', 'E164', 'SipName'] },
  { name: 'extensionLength', label: 'admin.dp.extensionLength', kind: 'number' },
  { name: 'voipSecurity', label: 'admin.dp.voipSecurity', kind: 'select', options: ['Unsecured', 'SIPSecured', 'Secured'] },
  { name: 'countryCode', label: 'admin.dp.countryCode' },
  { name: 'accessNumbers', label: 'admin.dp.accessNumbers', kind: 'list', hint: 'admin.commaList' },
  { name: 'defaultLanguage', label: 'admin.dp.language', kind: 'select', options: ['en-US', 'it-IT', 'es-ES', 'fr-FR'] },
  { name: 'audioCodec', label: 'admin.dp.audioCodec', kind: 'select', options: ['WAV', 'MP3'] },
  { name: 'maxCallMinutes', label: 'admin.dp.maxCallMinutes', kind: 'number' },
  { name: 'maxRecordingMinutes', label: 'admin.dp.maxRecordingMinutes', kind: 'number' },
];

export function DialPlansPage() {
  const { t } = useI18n();
  return (
    <CrudPage title="admin.nav.dialPlans" path="/api/dialplans" fields={fields} columns={[
      { label: 'common.name', value: (r) => r.name },
      { label: 'admin.dp.uriType', value: (r) => String(r.uriType) },
      { label: 'admin.dp.extensionLength', value: (r) => String(r.extensionLength ?? '') },
      { label: 'admin.dp.voipSecurity', value: (r) => <span className="badge">{String(r.voipSecurity)}</span> },
      { label: 'admin.dp.accessNumbers', value: (r) => (r.accessNumbers as string[]).join(', ') || t('common.none') },
      { label: 'admin.dp.language', value: (r) => String(r.defaultLanguage) },
    ]} />
  );
}
