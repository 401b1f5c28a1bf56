// The page's language (server/ui-kit/i18n.tsx): the browser's until the
// customer picks one with the switch, which is remembered. All dates, times
// and prices are formatted with Intl in that language and the browser's time zone.
import { createI18n, type I18n as AppI18n, type Translate as AppTranslate } from '../../../ui-kit/i18n.js';
import { en, type MessageKey } from './en.js';
import { zhCN } from './zh-CN.js';

export { detectLang, interpolate, LANGS, type Lang, type Vars } from '../../../ui-kit/i18n.js';
export type Translate = AppTranslate<MessageKey>;
export type I18n = AppI18n<MessageKey>;

export const { I18nProvider, useI18n, translator } = createI18n<MessageKey>({ en, 'zh-CN': zhCN }, 'gatepost.lang');
