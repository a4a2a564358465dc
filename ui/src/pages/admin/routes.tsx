// The admin center's pages: the navigation lists them in this order; the first is the default.
// Each page is its own file in this folder and uses only the public admin API.
import type { ReactElement } from 'react';
import './admin.css';
import type { Key } from '../../i18n/index.js';
import { AuditPage } from './audit.js';
import { AutoAttendantsPage } from './auto-attendants.js';
import { CallsPage } from './calls.js';
import { CertificatesPage } from './certificates.js';
import { DialPlansPage } from './dial-plans.js';
import { GatewaysPage } from './gateways.js';
import { HuntGroupsPage } from './hunt-groups.js';
import { PoliciesPage } from './policies.js';
import { ServersPage } from './servers.js';
import { UsersPage } from './users.js';

export interface AdminRoute {
  /** path under /admin, with :params */
  path: string;
  /** the navigation label; routes without one (detail pages) are not in the navigation */
  label?: Key;
  render: (params: Record<string, string>) => ReactElement;
}

export const adminRoutes: AdminRoute[] = [
  { path: '/admin/certificates', label: 'admin.nav.certificates', render: () => <CertificatesPage /> },
  { path: '/admin/servers', label: 'admin.nav.servers', render: () => <ServersPage /> },
  { path: '/admin/dialplans', label: 'admin.nav.dialPlans', render: () => <DialPlansPage /> },
  { path: '/admin/gateways', label: 'admin.nav.gateways', render: () => <GatewaysPage /> },
  { path: '/admin/huntgroups', label: 'admin.nav.huntGroups', render: () => <HuntGroupsPage /> },
  { path: '/admin/users', label: 'admin.nav.users', render: () => <UsersPage /> },
  { path: '/admin/policies', label: 'admin.nav.policies', render: () => <PoliciesPage /> },
  { path: '/admin/autoattendants', label: 'admin.nav.autoAttendants', render: () => <AutoAttendantsPage /> },
  { path: '/admin/calls', label: 'admin.nav.calls', render: () => <CallsPage /> },
  { path: '/admin/audit', label: 'admin.nav.audit', render: () => <AuditPage /> },
];
