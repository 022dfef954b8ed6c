import { describe, expect, it } from 'vitest';
import { LOCALES, TOPIC_SOURCES, TOPIC_STATUSES } from '../db/schema.ts';
import { createI18n, loadResources } from '../i18n/i18n.ts';

const resources = loadResources();
const i18n = createI18n(resources);

function keys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('topics translations', () => {
  it('have exactly the same keys in every locale', () => {
    const reference = keys(resources['zh-CN']!.topics).sort();
    for (const lng of LOCALES) expect(keys(resources[lng]!.topics).sort()).toEqual(reference);
  });

  it.each(LOCALES)('name every status and source in %s', (lng) => {
    const t = i18n.forLocale(lng);
    for (const status of TOPIC_STATUSES) expect(t(`topics:status.${status}`)).not.toContain('status.');
    for (const source of TOPIC_SOURCES) expect(t(`topics:source.${source}`)).not.toContain('source.');
  });

  it.each(LOCALES)('render an illegal transition with the status names in %s', (lng) => {
    const t = i18n.forLocale(lng);
    const text = t('topics:errors.illegalTransition', { from: 'closed', to: 'published' });
    expect(text).toContain(t('topics:status.closed'));
    expect(text).toContain(t('topics:status.published'));
    expect(text).not.toMatch(/\$t\(|\{\{/);
  });

  it('render the earliest deliberation date', () => {
    expect(i18n.forLocale('zh-CN')('topics:errors.publicationNotOver', { earliest: '2026-10-15' })).toContain(
      '2026-10-15',
    );
  });
});
