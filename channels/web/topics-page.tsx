import type { FC } from 'hono/jsx';
import type { LocalizedText } from '../../src/db/schema.ts';
import type { CommunitySummary } from '../../src/places/list-communities.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { SelectField } from './fields.tsx';
import { PUBLIC_STATUSES, TopicCard } from './topic-card.tsx';
import { type DateFormat, localized } from './web-context.ts';
import { type PageBase, WebPage } from './web-page.tsx';

export interface TopicsPageProps {
  base: PageBase;
  topics: Topic[];
  communities: CommunitySummary[];
  filters: { status: string; community: string };
  dates: DateFormat;
}

/** Every public topic, filtered by status and community with a plain GET form. */
export const TopicsPage: FC<TopicsPageProps> = ({ base, topics, communities, filters, dates }) => {
  const { t, locale } = base;
  const names = new Map<string, LocalizedText>(communities.map((c) => [c.id, c.name]));
  const filtered = filters.status !== '' || filters.community !== '';
  return (
    <WebPage base={base} title={t('site:topics.title')}>
      <p>{t('site:topics.lead')}</p>
      <form method="get" action="/topics" class="filters" aria-labelledby="filters-heading">
        <h2 id="filters-heading" class="visually-hidden">
          {t('site:topics.filtersHeading')}
        </h2>
        <SelectField
          name="status"
          label={t('site:topics.status')}
          value={filters.status}
          options={[
            { value: '', label: t('site:topics.anyStatus') },
            ...PUBLIC_STATUSES.map((s) => ({ value: s, label: t(`topics:status.${s}`) })),
          ]}
        />
        <SelectField
          name="community"
          label={t('site:topics.community')}
          value={filters.community}
          options={[
            { value: '', label: t('site:topics.anyCommunity') },
            ...communities.map((c) => ({ value: c.code, label: localized(c.name, locale) })),
          ]}
        />
        <button type="submit">{t('site:topics.apply')}</button>
      </form>
      <p role="status">{t('site:topics.resultCount', { count: topics.length })}</p>
      {filtered ? (
        <p>
          <a href="/topics">{t('site:topics.clear')}</a>
        </p>
      ) : null}
      {topics.length ? (
        <ul class="card-list">
          {topics.map((topic) => (
            <TopicCard
              t={t}
              locale={locale}
              topic={topic}
              communityName={topic.communityId ? names.get(topic.communityId) : undefined}
              dates={dates}
              headingLevel={2}
            />
          ))}
        </ul>
      ) : (
        <p>{t('site:topics.none')}</p>
      )}
    </WebPage>
  );
};
