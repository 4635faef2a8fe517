// UI text lives in locales/*.json only; components call t('key', {vars}) and tn('key', count).
import en from '../locales/en.json';
import ru from '../locales/ru.json';

type Dict = Record<string, string>;
export type Locale = 'en' | 'ru';
export const LOCALES: Record<Locale, Dict> = { en, ru };

function initial(): Locale {
  const saved = localStorage.getItem('heirloom.locale');
  if (saved && saved in LOCALES) return saved as Locale;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export const i18n = $state({ locale: initial() });
document.documentElement.lang = i18n.locale;

export function setLocale(l: Locale): void {
  i18n.locale = l;
  localStorage.setItem('heirloom.locale', l);
  document.documentElement.lang = l;
}

const formats = new Map<string, Intl.NumberFormat>();
/** A number as the window's language writes it: num(0.95, 2) is "0.95" in English, "0,95" in Russian. */
export function num(v: number, digits?: number): string {
  const key = `${i18n.locale}/${digits ?? ''}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(
      i18n.locale,
      digits === undefined ? { maximumFractionDigits: 3 } : { minimumFractionDigits: digits, maximumFractionDigits: digits },
    );
    formats.set(key, f);
  }
  // "−0.00" would read as a change that is not there.
  return f.format(Number(v.toFixed(digits ?? 3)) === 0 ? 0 : v);
}

/** Numbers in {vars} are written the language's way; pre-formatted strings pass as they are. */
function fill(s: string, vars?: Record<string, string | number>): string {
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => {
    const v = vars[k];
    return v === undefined ? m : typeof v === 'number' ? num(v) : v;
  });
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

/** A date/time stored as ISO (or SQLite's "YYYY-MM-DD hh:mm:ss", UTC), shown in the window's language. */
export function formatDate(s: string, opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  return new Date(s.endsWith('Z') || s.includes('+') ? s : s.replace(' ', 'T') + 'Z').toLocaleString(i18n.locale, opts);
}

export function formatSeconds(s: number): string {
  if (s < 60) return t('time.seconds', { n: Math.max(1, Math.round(s)) });
  const m = Math.floor(s / 60);
  if (m < 60) return t('time.minutes', { m, s: String(Math.round(s % 60)).padStart(2, '0') });
  return t('time.hours', { h: Math.floor(m / 60), m: String(m % 60).padStart(2, '0') });
}
