/** Pages of topic screening (议题筛选): recurring themes, one theme or need, and the report form. */
import type { FC } from 'hono/jsx';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { REPORT_ORIGINS } from '../../src/screening/create-topic-from-report.ts';
import type { ScreeningOverview, ScreeningTheme } from '../../src/screening/find-themes.ts';
import type { Need } from '../../src/screening/list-unscreened-needs.ts';
import type { Places } from '../../src/screening/screening-places.ts';
import { errorFor, type FieldError } from '../http/error-summary.tsx';
import { Layout } from '../http/layout.tsx';
import { DataTable, headings } from './lists-layout.tsx';
import {
  Choices,
  DoneBanner,
  errorSummaryProps,
  FilterForm,
  type Formatters,
  formFields,
  Input,
  inLocale,
  type PageLayout,
  PostForm,
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
      <FilterForm action={SCREENING_PATH} submit={t('deliberation:screening.filter')}>
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
      </FilterForm>
      <ShareSummary t={t} f={f} recommended={overview.recommended} />
      <p>{t('deliberation:screening.waiting', { count: overview.total })}</p>
      {overview.truncated ? <p class="notice">{t('deliberation:screening.truncated')}</p> : null}

      <h2>{t('deliberation:screening.themesHeading', { count: overview.themes.length })}</h2>
      {overview.themes.length === 0 ? (
        <p>{t('deliberation:screening.noThemes')}</p>
      ) : (
        <DataTable
          caption={t('deliberation:screening.themesCaption')}
          hideCaption
          columns={headings(t, 'deliberation:screening.columns', [
            'theme',
            'needs',
            'residents',
            'where',
            'example',
          ])}
        >
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
                      {theme.byGrid.filter((g) => g.communityId === b.communityId && g.gridId).length > 0 ? (
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
        </DataTable>
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
  <DataTable
    caption={t('deliberation:screening.needsCaption')}
    hideCaption
    columns={headings(t, 'deliberation:screening.columns', ['need', 'channel', 'where', 'received'])}
  >
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
  </DataTable>
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
      textKey="deliberation:topicForm.title"
      errors={errors}
      value={values.title}
    />
    <ThreeLanguageFields
      t={t}
      name="summary"
      textKey="deliberation:topicForm.summary"
      multiline
      errors={errors}
      value={values.summary}
    />
    <Select
      {...formFields(t, errors)('communityId')}
      label={t('deliberation:topicForm.community')}
      hint={t('deliberation:topicForm.communityHint')}
      value={values.communityId}
      options={[
        { value: '', label: t('deliberation:topicForm.streetWide') },
        ...places.communities.map((c) => ({ value: c.id, label: inLocale(c.name, locale).text })),
      ]}
    />
  </>
);

/** The fields TopicFields asks, in order. */
const TOPIC_FIELDS = [
  'title.zh-CN',
  'title.zh-HK',
  'title.en',
  'summary.zh-CN',
  'summary.zh-HK',
  'summary.en',
  'communityId',
] as const;

export const THEME_FORM_FIELDS = ['needIds', ...TOPIC_FIELDS] as const;

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
    <Layout {...layout} title={title} {...errorSummaryProps(t, allErrors)}>
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
        <PostForm action={`${SCREENING_PATH}/topics`} csrf={csrf} submit={t('deliberation:theme.create')}>
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
        </PostForm>
      ) : (
        <ul>
          {theme.needs.map((need) => (
            <li>{need.text}</li>
          ))}
        </ul>
      )}
      {manage && openTopics.length > 0 ? (
        <PostForm
          action={`${SCREENING_PATH}/links`}
          csrf={csrf}
          submit={t('deliberation:theme.link')}
          secondary
        >
          <h2>{t('deliberation:theme.linkHeading')}</h2>
          <p>{t('deliberation:theme.linkIntro')}</p>
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
        </PostForm>
      ) : null}
      {manage && single ? (
        <PostForm
          action={`${SCREENING_PATH}/needs/${theme.needs[0]?.id ?? ''}/set-aside`}
          csrf={csrf}
          submit={t('deliberation:theme.aside')}
          secondary
        >
          <h2>{t('deliberation:theme.asideHeading')}</h2>
          <TextArea
            t={t}
            name="reason"
            label={t('deliberation:theme.asideReason')}
            hint={t('deliberation:theme.asideHint')}
            error={errorFor(asideErrors, 'reason')}
            value={aside}
            rows={3}
          />
        </PostForm>
      ) : null}
    </Layout>
  );
};

export interface ReportFormValues extends TopicFormValues {
  origin: string;
  reference: string;
  reportedBy: string;
}

export const REPORT_FORM_FIELDS = ['origin', 'reportedBy', 'reference', ...TOPIC_FIELDS] as const;

export const ReportPage: FC<{
  layout: PageLayout;
  places: Places;
  errors?: FieldError[];
  values?: ReportFormValues;
}> = ({ layout, places, errors = [], values }) => {
  const { t, locale } = layout;
  const field = formFields(t, errors);
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
    <Layout {...layout} title={t('deliberation:report.title')} {...errorSummaryProps(t, errors)}>
      <p>
        <a href={SCREENING_PATH}>{t('deliberation:theme.back')}</a>
      </p>
      <p>{t('deliberation:report.intro')}</p>
      <PostForm
        action={`${SCREENING_PATH}/reports`}
        csrf={layout.signedIn?.csrfToken ?? ''}
        submit={t('deliberation:report.submit')}
      >
        <Choices
          {...field('origin')}
          type="radio"
          legend={t('deliberation:report.origin')}
          checked={[v.origin]}
          options={REPORT_ORIGINS.map((o) => ({
            value: o,
            label: t(`deliberation:origins.${o}`),
            hint: t(`deliberation:report.originHints.${o}`),
          }))}
        />
        <Input
          {...field('reportedBy')}
          label={t('deliberation:report.reportedBy')}
          hint={t('deliberation:report.reportedByHint')}
          value={v.reportedBy}
        />
        <Input
          {...field('reference')}
          label={t('deliberation:report.reference')}
          hint={t('deliberation:report.referenceHint')}
          value={v.reference}
        />
        <TopicFields t={t} locale={locale} places={places} errors={errors} values={v} />
      </PostForm>
    </Layout>
  );
};
