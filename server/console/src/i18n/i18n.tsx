// The console's language: the browser's (zh* → zh-CN, anything else → en)
// until the operator picks one, which is remembered in this browser. Dates,
// times and durations are formatted with Intl in that language.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type Dictionary, type MessageKey } from './en.js';
import { zhCN } from './zh-CN.js';

export type Lang = 'en' | 'zh-CN';
export const LANGS: readonly Lang[] = ['en', 'zh-CN'];
const DICTIONARIES: Record<Lang, Dictionary> = { en, 'zh-CN': zhCN };
const LANG_KEY = 'gatepost.console.lang';

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export interface I18n {
  lang: Lang;
  /** the BCP 47 locale for Intl: the browser's own when it speaks the chosen language */
  locale: string;
  setLang(lang: Lang): void;
  t: Translate;
}

export function detectLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    if (/^zh\b/i.test(l)) return 'zh-CN';
    if (/^en\b/i.test(l)) return 'en';
  }
  return 'en';
}

const browserLanguages = (): readonly string[] => (navigator.languages?.length ? navigator.languages : [navigator.language]);

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage blocked: follow the browser
  }
  return detectLang(browserLanguages());
}

function localeFor(lang: Lang): string {
  if (lang === 'zh-CN') return 'zh-CN';
  return browserLanguages().find((l) => /^en\b/i.test(l)) ?? 'en';
}

export function translator(lang: Lang, locale: string): Translate {
  const dict = DICTIONARIES[lang];
  const plural = new Intl.PluralRules(locale);
  return (key, vars) => {
    let text: string = dict[key];
    const n = vars?.n;
    if (typeof n === 'number' && plural.select(n) === 'one') {
      const one = (key + '_one') as MessageKey;
      if (one in dict) text = dict[one];
    }
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  };
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(LANG_KEY, next);
    } catch {
      // not remembered: fine
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const locale = localeFor(lang);
    return { lang, locale, setLang, t: translator(lang, locale) };
  }, [lang, setLang]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
