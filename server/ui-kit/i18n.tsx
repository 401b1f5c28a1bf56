// The language machinery both browser apps share: the browser's language
// (zh* → zh-CN, anything else → en) until the user picks one, which is
// remembered in this browser; messages with `{name}` placeholders and `_one`
// singular variants; the locale Intl formats in. Each app brings its own
// message catalogues and the storage key its choice is kept under.
import { createContext, Fragment, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'en' | 'zh-CN';
export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

export type Vars = Record<string, string | number>;
export type Translate<K extends string> = (key: K, vars?: Vars) => string;

export interface I18n<K extends string> {
  lang: Lang;
  /** the BCP 47 locale for Intl: the browser's own when it speaks the chosen language (en-GB keeps its 24-hour clock) */
  locale: string;
  setLang(lang: Lang): void;
  t: Translate<K>;
}

export function detectLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    if (/^zh\b/i.test(l)) return 'zh-CN';
    if (/^en\b/i.test(l)) return 'en';
  }
  return 'en';
}

const browserLanguages = (): readonly string[] => (navigator.languages?.length ? navigator.languages : [navigator.language]);

function localeFor(lang: Lang): string {
  if (lang === 'zh-CN') return 'zh-CN';
  return browserLanguages().find((l) => /^en\b/i.test(l)) ?? 'en';
}

/** One app's language: its catalogues, and where its choice is remembered. */
export function createI18n<K extends string>(dictionaries: Record<Lang, { readonly [key in K]: string }>, storageKey: string) {
  function initialLang(): Lang {
    try {
      const saved = localStorage.getItem(storageKey);
      if (saved === 'en' || saved === 'zh-CN') return saved;
    } catch {
      // storage blocked: follow the browser
    }
    return detectLang(browserLanguages());
  }

  function translator(lang: Lang, locale: string): Translate<K> {
    const dict = dictionaries[lang];
    const plural = new Intl.PluralRules(locale);
    return (key, vars) => {
      let text: string = dict[key];
      const n = vars?.n;
      if (typeof n === 'number' && plural.select(n) === 'one') {
        const one = (key + '_one') as K;
        if (one in dict) text = dict[one];
      }
      if (!vars) return text;
      return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
    };
  }

  const I18nContext = createContext<I18n<K> | null>(null);

  function I18nProvider({ children }: { children: ReactNode }) {
    const [lang, setLangState] = useState<Lang>(initialLang);
    const setLang = useCallback((next: Lang) => {
      setLangState(next);
      try {
        localStorage.setItem(storageKey, next);
      } catch {
        // not remembered: fine
      }
    }, []);
    const value = useMemo<I18n<K>>(() => {
      const locale = localeFor(lang);
      return { lang, locale, setLang, t: translator(lang, locale) };
    }, [lang, setLang]);
    useEffect(() => {
      document.documentElement.lang = lang;
    }, [lang]);
    return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
  }

  function useI18n(): I18n<K> {
    const ctx = useContext(I18nContext);
    if (!ctx) throw new Error('useI18n outside I18nProvider');
    return ctx;
  }

  return { I18nProvider, useI18n, translator };
}

/** A message whose `{name}` placeholders are filled with React nodes (e.g. <time> elements). */
export function interpolate(template: string, nodes: Record<string, ReactNode>): ReactNode[] {
  return template.split(/(\{\w+\})/).map((part, i) => {
    const m = /^\{(\w+)\}$/.exec(part);
    return m && m[1]! in nodes ? <Fragment key={i}>{nodes[m[1]!]}</Fragment> : part;
  });
}
