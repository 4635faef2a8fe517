// UI text lives in locales/*.json only; components call t('key', {vars}) and tn('key', count).
import en from '../locales/en.json';
import ru from '../locales/ru.json';

type Dict = Record<string, string>;
export const LOCALES: Record<string, Dict> = { en, ru };
export type Locale = keyof typeof LOCALES;

function initial(): Locale {
  const saved = localStorage.getItem('heirloom.locale');
  if (saved && saved in LOCALES) return saved;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export const i18n = $state({ locale: initial() as Locale });

export function setLocale(l: Locale): void {
  i18n.locale = l;
  localStorage.setItem('heirloom.locale', l);
  document.documentElement.lang = l;
}

function fill(s: string, vars?: Record<string, string | number>): string {
  return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
}

export function t(key: string, vars?: Record<string, string | number>): string {
  const s = LOCALES[i18n.locale][key] ?? LOCALES.en[key] ?? key;
  return fill(s, vars);
}

/** Plural-aware: looks up key.one / key.few / key.many / key.other for the current language. */
export function tn(key: string, n: number, vars: Record<string, string | number> = {}): string {
  const rule = new Intl.PluralRules(i18n.locale).select(n);
  const dict = LOCALES[i18n.locale];
  const s = dict[`${key}.${rule}`] ?? dict[`${key}.other`] ?? LOCALES.en[`${key}.other`] ?? key;
  return fill(s, { n, ...vars });
}

export function formatSeconds(s: number): string {
  if (s < 60) return t('time.seconds', { n: Math.max(1, Math.round(s)) });
  const m = Math.floor(s / 60);
  if (m < 60) return t('time.minutes', { m, s: String(Math.round(s % 60)).padStart(2, '0') });
  return t('time.hours', { h: Math.floor(m / 60), m: String(m % 60).padStart(2, '0') });
}
