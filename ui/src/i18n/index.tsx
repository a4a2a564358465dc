// Translation: the browser's language picks the first one we have (navigator.languages), the
// user can switch, and the choice is kept in localStorage. t('key', { name }) fills {name}.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { admin } from './admin.js';
import { common } from './common.js';
import { LANGUAGES, type Lang } from './lang.js';
import { user } from './user.js';

export { LANGUAGES, type Lang };

const dictionaries = Object.fromEntries(LANGUAGES.map(({ code }) => [code, { ...common[code], ...admin[code], ...user[code] }])) as Record<Lang, Record<Key, string>>;

export type Key = keyof (typeof common)['en'] | keyof (typeof admin)['en'] | keyof (typeof user)['en'];
export type Translate = (key: Key, vars?: Record<string, string | number>) => string;

const STORAGE = 'openum.lang';

export function browserLanguage(): Lang {
  const stored = localStorage.getItem(STORAGE);
  if (stored && LANGUAGES.some((l) => l.code === stored)) return stored as Lang;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const code = tag.toLowerCase().split('-')[0];
    const found = LANGUAGES.find((l) => l.code === code);
    if (found) return found.code;
  }
  return 'en';
}

export function translate(lang: Lang, key: Key, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang][key] ?? dictionaries.en[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(browserLanguage);
  const value = useMemo<I18n>(() => ({
    lang,
    setLang: (l) => {
      localStorage.setItem(STORAGE, l);
      document.documentElement.lang = l;
      setLangState(l);
    },
    t: (key, vars) => translate(lang, key, vars),
  }), [lang]);
  document.documentElement.lang = lang;
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
