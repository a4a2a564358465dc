// Words of the admin pages.
import type { Section } from './lang.js';

const en = {
  'admin.placeholder': 'admin',
};

export const admin: Section<keyof typeof en> = {
  en,
  it: { 'admin.placeholder': 'admin' },
  es: { 'admin.placeholder': 'admin' },
  fr: { 'admin.placeholder': 'admin' },
};
