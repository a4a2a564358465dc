// Words of the user pages.
import type { Section } from './lang.js';

const en = {
  'user.placeholder': 'user',
};

export const user: Section<keyof typeof en> = {
  en,
  it: { 'user.placeholder': 'user' },
  es: { 'user.placeholder': 'user' },
  fr: { 'user.placeholder': 'user' },
};
