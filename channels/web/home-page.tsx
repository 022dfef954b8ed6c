import type { FC } from 'hono/jsx';
import type { LocalizedText } from '../../src/db/schema.ts';
import type { KioskLocation } from '../../src/places/list-kiosk-locations.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { TopicCard } from './topic-card.tsx';
import { type DateFormat, localized } from './web-context.ts';
import { type PageBase, WebPage } from './web-page.tsx';

export interface HomePageProps {
  base: PageBase;
  openTopics: Topic[];
  communityNames: Map<string, LocalizedText>;
  kiosks: KioskLocation[];
  smsNumber: string | undefined;
  phoneNumber: string;
  dates: DateFormat;
}

/** What is open now and every way to take part. */
export const HomePage: FC<HomePageProps> = (props) => {
  const { base, dates } = props;
  const { t, locale } = base;
  const example = props.openTopics[0]?.code ?? 'T1';
  return (
    <WebPage base={base} title={t('site:home.title')}>
      <p class="lead">{t('site:home.lead')}</p>

      <h2>{t('site:home.openHeading')}</h2>
      {props.openTopics.length ? (
        <ul class="card-list">
          {props.openTopics.map((topic) => (
            <TopicCard
              t={t}
              locale={locale}
              topic={topic}
              communityName={topic.communityId ? props.communityNames.get(topic.communityId) : undefined}
              dates={dates}
              headingLevel={3}
            />
          ))}
        </ul>
      ) : (
        <p>{t('site:home.noneOpen')}</p>
      )}
      <p>
        <a href="/topics">{t('site:home.allTopics')}</a>
      </p>

      <h2>{t('site:home.waysHeading')}</h2>
      <ul class="ways">
        <li>
          <h3>{t('site:home.web.heading')}</h3>
          <p>{t('site:home.web.body')}</p>
          <p>
            <a class="button" href="/report">
              {t('site:home.web.report')}
            </a>
          </p>
        </li>
        <li>
          <h3>{t('site:home.sms.heading')}</h3>
          <p>
            {props.smsNumber
              ? t('site:home.sms.number', { number: props.smsNumber })
              : t('site:home.sms.noNumber', { helpPhone: base.helpPhone })}
          </p>
          <p>{t('site:home.sms.wordsIntro')}</p>
          <ul>
            <li>{t('site:home.sms.opinion', { example })}</li>
            <li>{t('site:home.sms.survey')}</li>
            <li>{t('site:home.sms.help')}</li>
            <li>{t('site:home.sms.stop')}</li>
            <li>{t('site:home.sms.start')}</li>
          </ul>
        </li>
        <li>
          <h3>{t('site:home.phone.heading')}</h3>
          <p>{t('site:home.phone.body', { number: props.phoneNumber })}</p>
        </li>
        <li>
          <h3>{t('site:home.kiosk.heading')}</h3>
          {props.kiosks.length ? (
            <>
              <p>{t('site:home.kiosk.body')}</p>
              <ul>
                {props.kiosks.map((k) => (
                  <li>
                    {k.communityName
                      ? t('site:home.kiosk.place', {
                          location: localized(k.location, locale),
                          community: localized(k.communityName, locale),
                        })
                      : localized(k.location, locale)}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{t('site:home.kiosk.none')}</p>
          )}
        </li>
        <li>
          <h3>{t('site:home.visit.heading')}</h3>
          <p>{t('site:home.visit.body')}</p>
          <p>
            <a class="button" href="/visit">
              {t('site:home.visit.link')}
            </a>
          </p>
        </li>
      </ul>
    </WebPage>
  );
};
