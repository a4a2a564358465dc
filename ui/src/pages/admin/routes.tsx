// The admin center's pages: the navigation lists them in this order; the first is the default.
// Each page is its own file in this folder and uses only the public admin API.
import type { ReactElement } from 'react';
import type { Key } from '../../i18n/index.js';

export interface AdminRoute {
  /** path under /admin, with :params */
  path: string;
  /** the navigation label; routes without one (detail pages) are not in the navigation */
  label?: Key;
  render: (params: Record<string, string>) => ReactElement;
}

export const adminRoutes: AdminRoute[] = [
  { path: '/admin/certificates', label: 'admin.placeholder', render: () => <p>TODO</p> },
];
