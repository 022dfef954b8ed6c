import type { FC } from 'hono/jsx';
import type { Locale, LocalizedText, TopicStatus } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { type DateFormat, localized } from './web-context.ts';

/** Statuses the public can see: from publication on. Topics still being collected or screened are internal. */
export const PUBLIC_STATUSES: readonly TopicStatus[] = [
  'published',
  'deliberating',
  'result_published',
  'implementing',
  'evaluating',
  'closed',
];

/** Open for residents' opinions. */
export const OPEN_STATUSES: readonly TopicStatus[] = ['published', 'deliberating'];

export function isPublicTopic(topic: Pick<Topic, 'status'>): boolean {
  return PUBLIC_STATUSES.includes(topic.status);
}

/** One line about where a topic stands, with the date that matters now. */
export function topicKeyDate(t: Translate, topic: Topic, dates: DateFormat): string | undefined {
  if (topic.status === 'published' && topic.publicationEndsOn) {
    return t('site:topic.noticeUntil', { date: dates.day(topic.publicationEndsOn) });
  }
  if (topic.status === 'deliberating') {
    if (topic.deliberatedAt) return t('site:topic.meetingOn', { date: dates.day(topic.deliberatedAt) });
    if (topic.deliberationEarliestOn)
      return t('site:topic.meetingFrom', { date: dates.day(topic.deliberationEarliestOn) });
  }
  return undefined;
}

/** A topic in a list: code and title as the link, status, community and the date that matters now. */
export const TopicCard: FC<{
  t: Translate;
  locale: Locale;
  topic: Topic;
  communityName: LocalizedText | undefined;
  dates: DateFormat;
  headingLevel: 2 | 3;
}> = ({ t, locale, topic, communityName, dates, headingLevel }) => {
  const keyDate = topicKeyDate(t, topic, dates);
  const title = (
    <a href={`/topics/${topic.code}`}>
      {topic.code} · {localized(topic.title, locale)}
    </a>
  );
  return (
    <li class="card">
      {headingLevel === 2 ? <h2>{title}</h2> : <h3>{title}</h3>}
      <p>
        <span class="tag">{t(`topics:status.${topic.status}`)}</span>
      </p>
      <p>
        {t('site:topic.communityLine', {
          name: communityName ? localized(communityName, locale) : t('site:topic.allCommunities'),
        })}
      </p>
      {keyDate ? <p>{keyDate}</p> : null}
    </li>
  );
};
