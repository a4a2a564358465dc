// The app's languages: the seeds' Italian, Spanish and French, and English.
export type Lang = 'en' | 'it' | 'es' | 'fr';

export const LANGUAGES: { code: Lang; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'it', name: 'Italiano' },
  { code: 'es', name: 'Español' },
  { code: 'fr', name: 'Français' },
];

/** A dictionary section: every language has every key of the English one (checked by tsc). */
export type Section<K extends string> = Record<Lang, Record<K, string>>;
