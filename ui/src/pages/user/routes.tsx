// The voice-mail pages of a signed-in user; the first is the default.
import type { ReactElement } from 'react';
import type { Key } from '../../i18n/index.js';

export interface UserRoute {
  path: string;
  label?: Key;
  render: (params: Record<string, string>) => ReactElement;
}

export const userRoutes: UserRoute[] = [
  { path: '/voicemail', label: 'user.placeholder', render: () => <p>TODO</p> },
];

/** Pages anyone can open: setting a password from an invitation link, or with the voice-mail PIN. */
export const publicRoutes: UserRoute[] = [];
