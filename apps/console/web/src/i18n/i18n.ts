/**
 * The console's words in the member's language (session.language, switchable): `t(key, values)`
 * fills `{name}` placeholders. A missing key cannot compile: both tables have type `Messages`.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Language } from '../api/types.js';
import { en, type MessageKey, type Messages } from './en.js';
import { ru } from './ru.js';

const TABLES: Readonly<Record<Language, Messages>> = { en, ru };

export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

export function translator(language: Language): Translate {
  const table = TABLES[language];
  return (key, values) => {
    const text = table[key];
    return values === undefined ? text : text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  };
}

export interface I18n {
  readonly language: Language;
  readonly t: Translate;
  /** Dates and times in the member's language, 24-hour. */
  readonly time: (ms: number) => string;
}

export function i18n(language: Language): I18n {
  const format = new Intl.DateTimeFormat(language === 'ru' ? 'ru-RU' : 'en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return { language, t: translator(language), time: (ms) => (Number.isFinite(ms) ? format.format(new Date(ms)) : String(ms)) };
}

export const I18nContext = createContext<I18n>(i18n('en'));
export const useI18n = () => useContext(I18nContext);

export const isLanguage = (value: unknown): value is Language => value === 'en' || value === 'ru';
