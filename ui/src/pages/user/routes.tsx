// The voice-mail pages of a signed-in user; the first is the default.
import type { ReactElement } from 'react';
import type { Key } from '../../i18n/index.js';
import { InboxPage } from './inbox.js';
import { OptionsPage } from './options.js';
import { SetPasswordByPinPage } from './set-password-pin.js';
import { SetPasswordPage } from './set-password.js';
import './user.css';

export interface UserRoute {
  path: string;
  label?: Key;
  render: (params: Record<string, string>) => ReactElement;
}

export const userRoutes: UserRoute[] = [
  { path: '/voicemail', label: 'user.nav.inbox', render: () => <InboxPage /> },
  { path: '/voicemail/options', label: 'user.nav.options', render: () => <OptionsPage /> },
];

/** Pages anyone can open: setting a password from an invitation link, or with the voice-mail PIN. */
export const publicRoutes: UserRoute[] = [
  { path: '/set-password', render: () => <SetPasswordPage /> },
  { path: '/set-password/pin', render: () => <SetPasswordByPinPage /> },
];
