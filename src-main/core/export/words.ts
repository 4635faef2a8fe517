// The few words an export writes (the web album's text, "undated" in file names), in the language of the
// window that asked for it. Everything else an export writes (metadata, manifests) stays in English.
export type ExportLocale = 'en' | 'ru';

export interface ExportWords {
  lang: string;
  undated: string;
  /** Month names for "14 July 1958" (`dayMonths`, Russian's genitive "14 июля 1958") and "July 1958". */
  dayMonths: readonly string[];
  months: readonly string[];
  photos: (n: number) => string;
  colorizedWith: string;
  eyebrow: string;
  hint: string;
  keys: string;
  before: string;
  after: string;
  beforeAfter: string;
  altAfter: string;
  altBefore: string;
  madeWith: (generator: string, models: string) => string;
}

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const WORDS: Record<ExportLocale, ExportWords> = {
  en: {
    lang: 'en',
    undated: 'undated',
    dayMonths: EN_MONTHS,
    months: EN_MONTHS,
    photos: (n) => `${n} photo${n === 1 ? '' : 's'}`,
    colorizedWith: 'colorized with Heirloom',
    eyebrow: 'Family album',
    hint: 'Drag across a photo to compare the original with the colours.',
    keys: '<kbd>←</kbd> <kbd>→</kbd> move between photos.',
    before: 'Before',
    after: 'After',
    beforeAfter: 'Before and after',
    altAfter: 'colorized',
    altBefore: 'original',
    // No model: every photo was only restored, so its colours are its own.
    madeWith: (g, m) =>
      m ? `Made with ${g} (model ${m}). The colours are a computer's informed guess, not a record of the past.` : `Made with ${g}.`,
  },
  ru: {
    lang: 'ru',
    undated: 'без даты',
    dayMonths: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'],
    months: ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'],
    photos: (n) => `${n} фото`,
    colorizedWith: 'раскрашено в Heirloom',
    eyebrow: 'Семейный альбом',
    hint: 'Проведите по фото, чтобы сравнить оригинал с цветной версией.',
    keys: '<kbd>←</kbd> <kbd>→</kbd> — переход между фото.',
    before: 'До',
    after: 'После',
    beforeAfter: 'До и после',
    altAfter: 'в цвете',
    altBefore: 'оригинал',
    madeWith: (g, m) =>
      m ? `Сделано в ${g} (модель ${m}). Цвета — обоснованная догадка компьютера, а не свидетельство прошлого.` : `Сделано в ${g}.`,
  },
};

export function exportWords(locale: ExportLocale | undefined): ExportWords {
  return WORDS[locale ?? 'en'] ?? WORDS.en;
}
