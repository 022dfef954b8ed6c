/** Pages of topic screening (议题筛选): recurring themes, one theme or need, and the report form. */
import type { FC } from 'hono/jsx';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { REPORT_ORIGINS } from '../../src/screening/create-topic-from-report.ts';
import type { ScreeningOverview, ScreeningTheme } from '../../src/screening/find-themes.ts';
import type { Need } from '../../src/screening/list-unscreened-needs.ts';
import type { Places } from '../../src/screening/screening-places.ts';
import { ErrorSummary, errorFor, type FieldError } from '../http/error-summary.tsx';
import { Layout } from '../http/layout.tsx';
import {
  Choices,
  DoneBanner,
  type Formatters,
  Input,
  inLocale,
  type PageLayout,
  Select,
  TextArea,
  ThreeLanguageFields,
} from './topic-admin-kit.tsx';

export const SCREENING_PATH = '/console/screening';
export const SCREENING_DONE = ['setAside', 'linked'] as const;

function placeName(
  places: Places,
  locale: Locale,
  communityId: string | null,
  gridId: string | null,
): string {
  const community = places.communities.find((c) => c.id === communityId);
  const grid = places.grids.find((g) => g.id === gridId);
  return [
    community ? inLocale(community.name, locale).text : '',
    grid ? inLocale(grid.name, locale).text : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function communityLabel(t: Translate, places: Places, locale: Locale, id: string | null): string {
  const community = places.communities.find((c) => c.id === id);
  return community ? inLocale(community.name, locale).text : t('deliberation:screening.noCommunity');
}

const NeedSource: FC<{ t: Translate; need: Need }> = ({ t, need }) => (
  <>
    {t(`deliberation:channels.${need.channel}`)}
    {need.proxied ? ` · ${t('deliberation:screening.proxied')}` : ''}
  </>
);

const ShareSummary: FC<{ t: Translate; f: Formatters; recommended: ScreeningOverview['recommended'] }> = ({
  t,
  f,
  recommended,
}) => {
  const below = recommended.share !== null && recommended.share < recommended.target;
  return (
    <section aria-labelledby="share-heading">
      <h2 id="share-heading">{t('deliberation:screening.shareHeading')}</h2>
      <ul class="counts">
        <li>
          <strong>{f.percent(recommended.share)}</strong>
          {t('deliberation:screening.shareOf', {
            recommended: recommended.residentRecommended,
            topics: recommended.topics,
          })}
        </li>
        <li>
          <strong>{f.percent(recommended.target)}</strong>
          {t('deliberation:screening.shareTarget')}
        </li>
      </ul>
      <p>
        {recommended.share === null
          ? t('deliberation:screening.shareNone')
          : below
            ? t('deliberation:screening.shareBelow')
            : t('deliberation:screening.shareMet')}
      </p>
      <p class="hint">{t('deliberation:screening.shareRule')}</p>
    </section>
  );
};

export const ScreeningOverviewPage: FC<{
  layout: PageLayout;
  f: Formatters;
  overview: ScreeningOverview;
  places: Places;
  communityId: string | undefined;
  manage: boolean;
  done: string | undefined;
}> = ({ layout, f, overview, places, communityId, manage, done }) => {
  const { t, locale } = layout;
  return (
    <Layout {...layout} title={t('deliberation:screening.title')}>
      <DoneBanner t={t} done={done} known={SCREENING_DONE} />
      <p>{t('deliberation:screening.intro')}</p>
      {manage ? (
        <p>
          <a class="button secondary" href={`${SCREENING_PATH}/reports/new`}>
            {t('deliberation:screening.reportLink')}
          </a>
        </p>
      ) : null}
      <form method="get" action={SCREENING_PATH} class="filters">
        <Select
          t={t}
          name="community"
          label={t('deliberation:screening.communityFilter')}
          value={communityId ?? ''}
          options={[
            { value: '', label: t('deliberation:screening.allCommunities') },
            ...places.communities.map((c) => ({ value: c.id, label: inLocale(c.name, locale).text })),
          ]}
        />
        <button type="submit" class="secondary">
          {t('deliberation:screening.filter')}
        </button>
      </form>
      <ShareSummary t={t} f={f} recommended={overview.recommended} />
      <p>{t('deliberation:screening.waiting', { count: overview.total })}</p>
      {overview.truncated ? <p class="notice">{t('deliberation:screening.truncated')}</p> : null}

      <h2>{t('deliberation:screening.themesHeading', { count: overview.themes.length })}</h2>
      {overview.themes.length === 0 ? (
        <p>{t('deliberation:screening.noThemes')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{t('deliberation:screening.themesCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('deliberation:screening.columns.theme')}</th>
                <th scope="col">{t('deliberation:screening.columns.needs')}</th>
                <th scope="col">{t('deliberation:screening.columns.residents')}</th>
                <th scope="col">{t('deliberation:screening.columns.where')}</th>
                <th scope="col">{t('deliberation:screening.columns.example')}</th>
              </tr>
            </thead>
            <tbody>
              {overview.themes.map((theme) => (
                <tr>
                  <th scope="row">
                    <a href={`${SCREENING_PATH}/themes/${theme.key}`}>
                      {theme.terms.join(' · ') || t('deliberation:screening.untitledTheme')}
                    </a>
                  </th>
                  <td>{theme.needs.length}</td>
                  <td>{theme.residents}</td>
                  <td>
                    <ul class="plain">
                      {theme.byCommunity.map((b) => (
                        <li>
                          {communityLabel(t, places, locale, b.communityId)}: {b.count}
                          {theme.byGrid.filter((g) => g.communityId === b.communityId && g.gridId).length >
                          0 ? (
                            <ul>
                              {theme.byGrid
                                .filter((g) => g.communityId === b.communityId && g.gridId)
                                .map((g) => (
                                  <li>
                                    {placeName(places, locale, null, g.gridId)}: {g.count}
                                  </li>
                                ))}
                            </ul>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td class="body">{theme.representative.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('deliberation:screening.singlesHeading', { count: overview.singles.length })}</h2>
      {overview.singles.length === 0 ? (
        <p>{t('deliberation:screening.noSingles')}</p>
      ) : (
        <NeedTable t={t} f={f} places={places} locale={locale} needs={overview.singles} linkEach />
      )}
      {overview.ungroupable.length > 0 ? (
        <>
          <h2>{t('deliberation:screening.ungroupableHeading', { count: overview.ungroupable.length })}</h2>
          <p>{t('deliberation:screening.ungroupableIntro')}</p>
          <NeedTable t={t} f={f} places={places} locale={locale} needs={overview.ungroupable} linkEach />
        </>
      ) : null}
    </Layout>
  );
};

const NeedTable: FC<{
  t: Translate;
  f: Formatters;
  places: Places;
  locale: Locale;
  needs: Need[];
  linkEach?: boolean;
}> = ({ t, f, places, locale, needs, linkEach }) => (
  <div class="table-wrap">
    <table>
      <caption class="visually-hidden">{t('deliberation:screening.needsCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('deliberation:screening.columns.need')}</th>
          <th scope="col">{t('deliberation:screening.columns.channel')}</th>
          <th scope="col">{t('deliberation:screening.columns.where')}</th>
          <th scope="col">{t('deliberation:screening.columns.received')}</th>
        </tr>
      </thead>
      <tbody>
        {needs.map((need) => (
          <tr>
            <td class="body">
              {linkEach ? <a href={`${SCREENING_PATH}/themes/${need.id}`}>{need.text}</a> : need.text}
              {need.location ? (
                <span class="hint">{t('deliberation:screening.location', { location: need.location })}</span>
              ) : null}
            </td>
            <td>
              <NeedSource t={t} need={need} />
            </td>
            <td>
              {placeName(places, locale, need.communityId, need.gridId) ||
                t('deliberation:screening.noCommunity')}
            </td>
            <td>
              <time datetime={need.receivedAt.toISOString()}>{f.dateTime(need.receivedAt)}</time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

export interface TopicFormValues {
  title: Required<LocalizedText>;
  summary: Required<LocalizedText>;
  communityId: string;
  needIds: string[];
}

const TopicFields: FC<{
  t: Translate;
  locale: Locale;
  places: Places;
  errors: FieldError[];
  values: TopicFormValues;
}> = ({ t, locale, places, errors, values }) => (
  <>
    <ThreeLanguageFields
      t={t}
      name="title"
      labels={{
        'zh-CN': t('deliberation:topicForm.titleZhCn'),
        'zh-HK': t('deliberation:topicForm.titleZhHk'),
        en: t('deliberation:topicForm.titleEn'),
      }}
      hint={t('deliberation:topicForm.titleHint')}
      errors={errors}
      value={values.title}
    />
    <ThreeLanguageFields
      t={t}
      name="summary"
      multiline
      labels={{
        'zh-CN': t('deliberation:topicForm.summaryZhCn'),
        'zh-HK': t('deliberation:topicForm.summaryZhHk'),
        en: t('deliberation:topicForm.summaryEn'),
      }}
      hint={t('deliberation:topicForm.summaryHint')}
      errors={errors}
      value={values.summary}
    />
    <Select
      t={t}
      name="communityId"
      label={t('deliberation:topicForm.community')}
      hint={t('deliberation:topicForm.communityHint')}
      error={errorFor(errors, 'communityId')}
      value={values.communityId}
      options={[
        { value: '', label: t('deliberation:topicForm.streetWide') },
        ...places.communities.map((c) => ({ value: c.id, label: inLocale(c.name, locale).text })),
      ]}
    />
  </>
);

export const THEME_FORM_FIELDS = [
  'needIds',
  'title.zh-CN',
  'title.zh-HK',
  'title.en',
  'summary.zh-CN',
  'summary.zh-HK',
  'summary.en',
  'communityId',
] as const;

export const ThemePage: FC<{
  layout: PageLayout;
  f: Formatters;
  theme: ScreeningTheme;
  places: Places;
  manage: boolean;
  openTopics: { id: string; code: string; title: LocalizedText }[];
  errors?: FieldError[];
  values?: TopicFormValues;
  linkErrors?: FieldError[];
  asideErrors?: FieldError[];
  aside?: string;
}> = ({
  layout,
  f,
  theme,
  places,
  manage,
  openTopics,
  errors = [],
  values,
  linkErrors = [],
  asideErrors = [],
  aside,
}) => {
  const { t, locale } = layout;
  const single = theme.needs.length === 1;
  const csrf = layout.signedIn?.csrfToken ?? '';
  const allErrors = [...errors, ...linkErrors, ...asideErrors];
  const defaults: TopicFormValues = values ?? {
    title: { 'zh-CN': '', 'zh-HK': '', en: '' },
    summary: { 'zh-CN': '', 'zh-HK': '', en: '' },
    communityId: theme.byCommunity.length === 1 ? (theme.byCommunity[0]?.communityId ?? '') : '',
    needIds: theme.needs.map((n) => n.id),
  };
  const title = single
    ? t('deliberation:theme.singleTitle')
    : t('deliberation:theme.title', {
        terms: theme.terms.join(' · ') || t('deliberation:screening.untitledTheme'),
      });
  return (
    <Layout
      {...layout}
      title={title}
      hasErrors={allErrors.length > 0}
      errorSummary={allErrors.length > 0 ? <ErrorSummary t={t} errors={allErrors} /> : undefined}
    >
      <p>
        <a href={SCREENING_PATH}>{t('deliberation:theme.back')}</a>
      </p>
      <ul class="counts">
        <li>
          <strong>{theme.needs.length}</strong>
          {t('deliberation:screening.columns.needs')}
        </li>
        <li>
          <strong>{theme.residents}</strong>
          {t('deliberation:screening.columns.residents')}
        </li>
      </ul>
      {manage ? (
        <form method="post" action={`${SCREENING_PATH}/topics`} novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="themeKey" value={theme.key} />
          {theme.terms.map((term) => (
            <input type="hidden" name="themeTerms" value={term} />
          ))}
          <Choices
            t={t}
            type="checkbox"
            name="needIds"
            legend={t('deliberation:theme.needsLegend')}
            hint={single ? undefined : t('deliberation:theme.needsHint')}
            error={errorFor(errors, 'needIds')}
            checked={defaults.needIds}
            options={theme.needs.map((need) => ({
              value: need.id,
              label: need.text,
              hint: [
                t(`deliberation:channels.${need.channel}`),
                need.proxied ? t('deliberation:screening.proxied') : '',
                placeName(places, locale, need.communityId, need.gridId),
                f.dateTime(need.receivedAt),
              ]
                .filter(Boolean)
                .join(' · '),
            }))}
          />
          <h2>{t('deliberation:theme.createHeading')}</h2>
          <p>{t('deliberation:theme.createIntro')}</p>
          <TopicFields t={t} locale={locale} places={places} errors={errors} values={defaults} />
          <button type="submit">{t('deliberation:theme.create')}</button>
        </form>
      ) : (
        <ul>
          {theme.needs.map((need) => (
            <li>{need.text}</li>
          ))}
        </ul>
      )}
      {manage && openTopics.length > 0 ? (
        <form method="post" action={`${SCREENING_PATH}/links`} novalidate>
          <h2>{t('deliberation:theme.linkHeading')}</h2>
          <p>{t('deliberation:theme.linkIntro')}</p>
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="themeKey" value={theme.key} />
          {theme.needs.map((need) => (
            <input type="hidden" name="needIds" value={need.id} />
          ))}
          <Select
            t={t}
            name="topicId"
            label={t('deliberation:theme.linkTopic')}
            error={errorFor(linkErrors, 'topicId')}
            options={openTopics.map((o) => ({
              value: o.id,
              label: `${o.code} ${inLocale(o.title, locale).text}`,
            }))}
          />
          <button type="submit" class="secondary">
            {t('deliberation:theme.link')}
          </button>
        </form>
      ) : null}
      {manage && single ? (
        <form
          method="post"
          action={`${SCREENING_PATH}/needs/${theme.needs[0]?.id ?? ''}/set-aside`}
          novalidate
        >
          <h2>{t('deliberation:theme.asideHeading')}</h2>
          <input type="hidden" name="_csrf" value={csrf} />
          <TextArea
            t={t}
            name="reason"
            label={t('deliberation:theme.asideReason')}
            hint={t('deliberation:theme.asideHint')}
            error={errorFor(asideErrors, 'reason')}
            value={aside}
            rows={3}
          />
          <button type="submit" class="secondary">
            {t('deliberation:theme.aside')}
          </button>
        </form>
      ) : null}
    </Layout>
  );
};

export interface ReportFormValues extends TopicFormValues {
  origin: string;
  reference: string;
  reportedBy: string;
}

export const REPORT_FORM_FIELDS = [
  'origin',
  'reportedBy',
  'reference',
  'title.zh-CN',
  'title.zh-HK',
  'title.en',
  'summary.zh-CN',
  'summary.zh-HK',
  'summary.en',
  'communityId',
] as const;

export const ReportPage: FC<{
  layout: PageLayout;
  places: Places;
  errors?: FieldError[];
  values?: ReportFormValues;
}> = ({ layout, places, errors = [], values }) => {
  const { t, locale } = layout;
  const v: ReportFormValues = values ?? {
    origin: '',
    reference: '',
    reportedBy: '',
    title: { 'zh-CN': '', 'zh-HK': '', en: '' },
    summary: { 'zh-CN': '', 'zh-HK': '', en: '' },
    communityId: '',
    needIds: [],
  };
  return (
    <Layout
      {...layout}
      title={t('deliberation:report.title')}
      hasErrors={errors.length > 0}
      errorSummary={errors.length > 0 ? <ErrorSummary t={t} errors={errors} /> : undefined}
    >
      <p>
        <a href={SCREENING_PATH}>{t('deliberation:theme.back')}</a>
      </p>
      <p>{t('deliberation:report.intro')}</p>
      <form method="post" action={`${SCREENING_PATH}/reports`} novalidate>
        <input type="hidden" name="_csrf" value={layout.signedIn?.csrfToken ?? ''} />
        <Choices
          t={t}
          type="radio"
          name="origin"
          legend={t('deliberation:report.origin')}
          error={errorFor(errors, 'origin')}
          checked={[v.origin]}
          options={REPORT_ORIGINS.map((o) => ({
            value: o,
            label: t(`deliberation:origins.${o}`),
            hint: t(`deliberation:report.originHints.${o}`),
          }))}
        />
        <Input
          t={t}
          name="reportedBy"
          label={t('deliberation:report.reportedBy')}
          hint={t('deliberation:report.reportedByHint')}
          error={errorFor(errors, 'reportedBy')}
          value={v.reportedBy}
        />
        <Input
          t={t}
          name="reference"
          label={t('deliberation:report.reference')}
          hint={t('deliberation:report.referenceHint')}
          error={errorFor(errors, 'reference')}
          value={v.reference}
        />
        <TopicFields t={t} locale={locale} places={places} errors={errors} values={v} />
        <button type="submit">{t('deliberation:report.submit')}</button>
      </form>
    </Layout>
  );
};
