/**
 * i18next over locales/<lng>/<namespace>.json. Every user-facing string lives there, in all three
 * locales with the same keys (checked by a test).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n as I18nInstance, type Resource } from 'i18next';
import { LOCALES, type Locale } from '../db/schema.ts';

export const LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

export function loadResources(dir = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const lng of LOCALES) {
    const lngDir = path.join(dir, lng);
    resources[lng] = {};
    for (const file of readdirSync(lngDir).filter((f) => f.endsWith('.json'))) {
      resources[lng][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(path.join(lngDir, file), 'utf8'));
    }
  }
  return resources;
}

export type Translate = (key: string, params?: Record<string, unknown>) => string;

export interface I18n {
  /** A translator fixed to one locale. Keys are `namespace:path.to.key`. */
  forLocale(locale: Locale): Translate;
  instance: I18nInstance;
}

let shared: I18n | undefined;

/** The process-wide translator, built once from the files on disk. */
export function getI18n(): I18n {
  shared ??= createI18n(loadResources());
  return shared;
}

export function createI18n(resources: Resource, defaultLocale: Locale = 'zh-CN'): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    supportedLngs: [...LOCALES],
    ns: Object.keys(resources[defaultLocale] ?? {}),
    defaultNS: 'common',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = new Map<Locale, Translate>();
  return {
    instance,
    forLocale(locale) {
      let t = fixed.get(locale);
      if (!t) {
        const bound = instance.getFixedT(locale);
        t = (key, params) => String(bound(key, params ?? {}));
        fixed.set(locale, t);
      }
      return t;
    },
  };
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
