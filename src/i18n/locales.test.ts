import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../db/schema.ts';
import { createI18n, LOCALES_DIR, loadResources } from './i18n.ts';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : flatten(value, `${prefix}${key}.`),
  );
}

function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] =>
    typeof value === 'string' ? [[`${prefix}${key}`, value]] : leaves(value, `${prefix}${key}.`),
  );
}

const resources = loadResources();

describe('locales', () => {
  it('has a folder for every supported locale and nothing else', () => {
    const dirs = readdirSync(LOCALES_DIR).sort();
    expect(dirs).toEqual([...LOCALES].sort());
  });

  it('has the same namespace files in every locale', () => {
    const files = (lng: string) => readdirSync(path.join(LOCALES_DIR, lng)).sort();
    for (const lng of LOCALES) expect(files(lng), lng).toEqual(files('zh-CN'));
  });

  it('has the same keys in every locale', () => {
    const keysOf = (lng: string) =>
      Object.entries(resources[lng] as Record<string, Tree>)
        .flatMap(([ns, tree]) => flatten(tree).map((k) => `${ns}:${k}`))
        .sort();
    const reference = keysOf('zh-CN');
    expect(reference.length).toBeGreaterThan(0);
    for (const lng of LOCALES) expect(keysOf(lng), lng).toEqual(reference);
  });

  it('uses the same interpolation placeholders in every locale', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
    const zh = new Map(
      Object.entries(resources['zh-CN'] as Record<string, Tree>).flatMap(([ns, tree]) =>
        leaves(tree).map(([k, v]): [string, string] => [`${ns}:${k}`, v]),
      ),
    );
    for (const lng of LOCALES) {
      for (const [ns, tree] of Object.entries(resources[lng] as Record<string, Tree>)) {
        for (const [key, value] of leaves(tree)) {
          expect(value.trim(), `${lng} ${ns}:${key} is empty`).not.toBe('');
          expect(placeholders(value), `${lng} ${ns}:${key}`).toEqual(
            placeholders(zh.get(`${ns}:${key}`) ?? ''),
          );
        }
      }
    }
  });

  it('translates into each locale', () => {
    const i18n = createI18n(resources);
    expect(i18n.forLocale('zh-CN')('common:appName')).toBe('民生议事堂');
    expect(i18n.forLocale('zh-HK')('common:appName')).toBe('民生議事堂');
    expect(i18n.forLocale('en')('common:appName')).toBe('Community Deliberation Hall');
  });
});
