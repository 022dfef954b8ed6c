import type { FC } from 'hono/jsx';
import type { LocalizedText } from '../../src/db/schema.ts';
import { STANCES } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { OpinionCounts } from '../../src/topics/count-topic-opinions.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { OPEN_STATUSES } from './topic-card.tsx';
import type { StageWhen, TimelineStage } from './topic-timeline.ts';
import { type DateFormat, localized } from './web-context.ts';
import { type PageBase, WebPage } from './web-page.tsx';

export interface TopicPageProps {
  base: PageBase;
  topic: Topic;
  communityName: LocalizedText | undefined;
  counts: OpinionCounts;
  timeline: TimelineStage[];
  surveys: { code: string; title: LocalizedText }[];
  dates: DateFormat;
}

function whenText(t: Translate, when: StageWhen, dates: DateFormat): string {
  switch (when.kind) {
    case 'on':
      return t('site:topic.when.on', { date: dates.day(when.date) });
    case 'noticeRange':
      return t('site:topic.when.noticeRange', { from: dates.day(when.from), to: dates.day(when.to) });
    case 'noticeUntil':
      return t('site:topic.when.noticeUntil', { to: dates.day(when.to) });
    case 'notBefore':
      return t('site:topic.when.notBefore', { date: dates.day(when.date) });
    case 'dueBy':
      return t('site:topic.when.dueBy', { date: dates.day(when.date) });
    case 'result':
      if (when.due && when.onTime !== null) {
        return t(when.onTime ? 'site:topic.when.onTime' : 'site:topic.when.late', {
          date: dates.day(when.date),
          due: dates.day(when.due),
        });
      }
      return t('site:topic.when.publishedOn', { date: dates.day(when.date) });
  }
}

function whenDate(when: StageWhen, dates: DateFormat): string {
  switch (when.kind) {
    case 'on':
    case 'result':
      return dates.iso(when.date);
    case 'noticeRange':
    case 'noticeUntil':
      return dates.iso(when.to);
    case 'notBefore':
    case 'dueBy':
      return dates.iso(when.date);
  }
}

/** A topic: what it is about, how to take part, opinions so far and its progress with real dates. */
export const TopicPage: FC<TopicPageProps> = ({
  base,
  topic,
  communityName,
  counts,
  timeline,
  surveys,
  dates,
}) => {
  const { t, locale } = base;
  const open = OPEN_STATUSES.includes(topic.status);
  return (
    <WebPage base={base} title={`${topic.code} · ${localized(topic.title, locale)}`}>
      <dl class="meta">
        <div>
          <dt>{t('site:topic.status')}</dt>
          <dd>{t(`topics:status.${topic.status}`)}</dd>
        </div>
        <div>
          <dt>{t('site:topic.community')}</dt>
          <dd>{communityName ? localized(communityName, locale) : t('site:topic.allCommunities')}</dd>
        </div>
        <div>
          <dt>{t('site:topic.source')}</dt>
          <dd>{t(`topics:source.${topic.source}`)}</dd>
        </div>
      </dl>

      <h2>{t('site:topic.summaryHeading')}</h2>
      <p>{localized(topic.summary, locale)}</p>

      <h2>{t('site:topic.takePartHeading')}</h2>
      {open ? null : <p>{t('site:topic.notOpen')}</p>}
      <div class="button-row">
        {open ? (
          <a class="button" href={`/topics/${topic.code}/opinion`}>
            {t('site:topic.open')}
          </a>
        ) : null}
        <a class={open ? 'button secondary' : 'button'} href={`/topics/${topic.code}/follow`}>
          {t('site:topic.follow')}
        </a>
      </div>

      <h2>{t('site:topic.countsHeading')}</h2>
      <ul class="counts">
        {STANCES.map((stance) => (
          <li>
            <strong>{counts[stance]}</strong> {t(`site:topic.counts.${stance}`)}
          </li>
        ))}
      </ul>
      <p>{t('site:topic.countsTotal', { count: counts.total })}</p>

      {surveys.length ? (
        <>
          <h2>{t('site:topic.surveysHeading')}</h2>
          <ul class="link-list">
            {surveys.map((s) => (
              <li>
                <a href={`/surveys/${s.code}`}>
                  {t('site:topic.surveyLink', { title: localized(s.title, locale) })}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2>{t('site:topic.timelineHeading')}</h2>
      <ol class="timeline">
        {timeline.map((stage) => (
          <li class={stage.state}>
            <span class="stage">{t(`site:topic.stage.${stage.stage}`)}</span>
            <span class="state">
              {t(`site:topic.state.${stage.state}`)}
              {stage.when ? (
                <>
                  {' · '}
                  <time datetime={whenDate(stage.when, dates)}>{whenText(t, stage.when, dates)}</time>
                </>
              ) : null}
            </span>
            {stage.note ? <span class="note">{stage.note}</span> : null}
          </li>
        ))}
      </ol>
    </WebPage>
  );
};
