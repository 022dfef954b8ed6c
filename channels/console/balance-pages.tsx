/**
 * Participation balance pages: which topics have an under-heard group, and for one topic who has been
 * heard by group and channel against the community's make-up, with the actions to reach a group.
 */
import type { FC } from 'hono/jsx';
import { RESIDENT_GROUPS, type ResidentGroup } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { GroupBalance, TopicBalance } from '../../src/participation/assess-balance.ts';
import { CONTRIBUTION_KINDS } from '../../src/participation/contributions.ts';
import { VISIT_LIST_DEFAULT, VISIT_LIST_MAX } from '../../src/participation/reach-under-heard-group.ts';
import { ErrorSummary, type FieldError } from '../http/error-summary.tsx';
import { Layout } from '../http/layout.tsx';
import { Choices, Input, PostForm } from './form-kit.tsx';
import { BarChart } from './kpi-charts.tsx';
import {
  BackLink,
  DataTable,
  DoneBanner,
  formatShare,
  headings,
  localized,
  type PageLayout,
} from './lists-layout.tsx';

export const BALANCE_PATH = '/console/balance';
export const balanceTopicPath = (topicId: string) => `${BALANCE_PATH}/topics/${topicId}`;

function groupName(t: Translate, group: ResidentGroup): string {
  return t(`lists:groups.${group}`);
}

function verdict(t: Translate, g: GroupBalance): string {
  if (g.underHeard === null) return t('lists:balance.verdict.noBaseline');
  if (g.underHeard)
    return g.affected ? t('lists:balance.verdict.underHeardAffected') : t('lists:balance.verdict.underHeard');
  return t('lists:balance.verdict.heard');
}

export const BalanceOverviewPage: FC<{ layout: PageLayout; balances: TopicBalance[] }> = ({
  layout,
  balances,
}) => {
  const { t, locale } = layout;
  return (
    <Layout {...layout} title={t('lists:balance.overviewTitle')}>
      <p>{t('lists:balance.overviewIntro')}</p>
      <p>{t('lists:balance.rule')}</p>
      {balances.length === 0 ? (
        <p>{t('lists:balance.noTopics')}</p>
      ) : (
        <DataTable
          caption={t('lists:balance.overviewCaption')}
          columns={headings(t, 'lists', [
            'columns.topic',
            'columns.topicStatus',
            'balance.columns.participants',
            'balance.columns.affected',
            'balance.columns.alerts',
          ])}
        >
          {balances.map((b) => {
            const title = localized(b.topic.title, locale);
            const affected = b.groups.filter((g) => g.affected).map((g) => groupName(t, g.group));
            return (
              <tr>
                <th scope="row">
                  <a href={balanceTopicPath(b.topic.id)}>
                    {b.topic.code} <span lang={title.lang}>{title.text}</span>
                  </a>
                </th>
                <td>{t(`topics:status.${b.topic.status}`)}</td>
                <td>{b.heard.participants}</td>
                <td>
                  {affected.length
                    ? affected.join(t('lists:common.separator'))
                    : t('lists:balance.noneMarked')}
                </td>
                <td>
                  {b.alerts.length ? (
                    <strong>
                      {t('lists:balance.alertList', {
                        groups: b.alerts.map((g) => groupName(t, g)).join(t('lists:common.separator')),
                      })}
                    </strong>
                  ) : (
                    t('lists:balance.noAlerts')
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </Layout>
  );
};

export interface BalanceErrors {
  summary: FieldError[];
  /** The visit count typed, per group, when it was refused. */
  visits?: { group: ResidentGroup; value: string; message: string };
}

const ReachForms: FC<{
  t: Translate;
  balance: TopicBalance;
  group: GroupBalance;
  csrf: string;
  communityName: string;
  errors?: BalanceErrors | undefined;
}> = ({ t, balance, group, csrf, communityName, errors }) => {
  const action = `${balanceTopicPath(balance.topic.id)}/outreach`;
  const name = groupName(t, group.group);
  const visitsError = errors?.visits?.group === group.group ? errors.visits.message : undefined;
  const called = balance.outreach.find((o) => o.group === group.group && o.action === 'voice_campaign');
  return (
    <div class="button-row">
      {called ? (
        <p>{t('lists:balance.alreadyCalled', { code: called.campaignCode ?? '', group: name })}</p>
      ) : (
        <PostForm
          action={action}
          csrf={csrf}
          submit={t('lists:balance.callButton', { group: name, community: communityName })}
          novalidate={false}
        >
          <input type="hidden" name="group" value={group.group} />
          <input type="hidden" name="action" value="voice_campaign" />
        </PostForm>
      )}
      <PostForm
        action={action}
        csrf={csrf}
        submit={t('lists:balance.visitButton', { group: name })}
        secondary
      >
        <input type="hidden" name="group" value={group.group} />
        <input type="hidden" name="action" value="visit_list" />
        <Input
          t={t}
          name="visits"
          idName={`visits-${group.group}`}
          label={t('lists:balance.visitsLabel', { group: name })}
          hint={t('lists:balance.visitsHint', { max: VISIT_LIST_MAX })}
          error={visitsError}
          value={errors?.visits?.group === group.group ? errors.visits.value : String(VISIT_LIST_DEFAULT)}
          numeric
        />
      </PostForm>
    </div>
  );
};

export const BalanceTopicPage: FC<{
  layout: PageLayout;
  balance: TopicBalance;
  canManage: boolean;
  errors?: BalanceErrors | undefined;
  done: { done?: string | undefined; params?: Record<string, string> };
  formatTime: (d: Date) => string;
}> = ({ layout, balance, canManage, errors, done, formatTime }) => {
  const { t, locale } = layout;
  const title = localized(balance.topic.title, locale);
  const csrf = layout.signedIn?.csrfToken ?? '';
  const communityName = balance.baseline.communityName
    ? localized(balance.baseline.communityName, locale).text
    : t('lists:balance.allCommunities');
  const withBaseline = balance.groups.filter((g) => g.communityShare !== null);
  const alerts = balance.groups.filter((g) => balance.alerts.includes(g.group));
  const summary = errors?.summary ?? [];
  return (
    <Layout
      {...layout}
      title={t('lists:balance.topicTitle', { code: balance.topic.code, title: title.text })}
      hasErrors={summary.length > 0}
      errorSummary={summary.length ? <ErrorSummary t={t} errors={summary} /> : undefined}
    >
      <BackLink href={BALANCE_PATH} label={t('lists:balance.back')} />
      <DoneBanner t={t} {...done} />
      <p>
        {t('lists:balance.heardSummary', {
          participants: balance.heard.participants,
          contributions: balance.heard.contributions,
          anonymous: balance.heard.anonymousContributions,
        })}
      </p>
      <p>
        {balance.baseline.scope === 'community'
          ? t('lists:balance.baselineCommunity', {
              community: communityName,
              total: balance.baseline.profile.total ?? 0,
            })
          : t('lists:balance.baselineAll', { total: balance.baseline.profile.total ?? 0 })}
      </p>

      {alerts.length ? (
        <section class="banner-warning" aria-labelledby="alerts-heading">
          <h2 id="alerts-heading">{t('lists:balance.alertsHeading')}</h2>
          {alerts.map((g) => (
            <div>
              <h3>{groupName(t, g.group)}</h3>
              <p>
                {t('lists:balance.alertText', {
                  group: groupName(t, g.group),
                  heard: formatShare(g.heardShare, locale, t),
                  community: formatShare(g.communityShare, locale, t),
                  number: g.heard,
                })}
              </p>
              {canManage ? (
                <ReachForms
                  t={t}
                  balance={balance}
                  group={g}
                  csrf={csrf}
                  communityName={communityName}
                  errors={errors}
                />
              ) : (
                <p>{t('lists:balance.askSecretary')}</p>
              )}
            </div>
          ))}
        </section>
      ) : (
        <p>
          {balance.groups.some((g) => g.affected)
            ? t('lists:balance.noAlertsAffected')
            : t('lists:balance.markFirst')}
        </p>
      )}

      <h2>{t('lists:balance.byGroupHeading')}</h2>
      <p>{t('lists:balance.rule')}</p>
      {withBaseline.length ? (
        <BarChart
          id="chart-balance-groups"
          title={t('lists:balance.chartTitle', { code: balance.topic.code })}
          description={t('lists:balance.chartDescription', { community: communityName })}
          series={[
            { key: 'community', label: t('lists:balance.seriesCommunity'), style: 'outline' },
            { key: 'heard', label: t('lists:balance.seriesHeard'), style: 'solid' },
          ]}
          max={Math.max(0.1, ...withBaseline.flatMap((g) => [g.communityShare ?? 0, g.heardShare]))}
          rows={withBaseline.map((g) => ({
            label: g.affected
              ? t('lists:balance.affectedLabel', { group: groupName(t, g.group) })
              : groupName(t, g.group),
            bars: [
              {
                series: 'community',
                value: g.communityShare,
                text: t('lists:balance.barCommunity', { share: formatShare(g.communityShare, locale, t) }),
              },
              {
                series: 'heard',
                value: g.heardShare,
                text: t('lists:balance.barHeard', {
                  share: formatShare(g.heardShare, locale, t),
                  verdict: verdict(t, g),
                }),
              },
            ],
          }))}
        />
      ) : null}
      <DataTable
        caption={t('lists:balance.groupsCaption', { community: communityName })}
        columns={headings(t, 'lists:balance.columns', ['group', 'affected', 'community', 'heard', 'verdict'])}
      >
        {balance.groups.map((g) => (
          <tr>
            <th scope="row">{groupName(t, g.group)}</th>
            <td>{g.affected ? t('lists:common.yes') : t('lists:common.no')}</td>
            <td>
              {g.communityCount === null
                ? t('lists:balance.noHeadcount')
                : t('lists:balance.countShare', {
                    number: g.communityCount,
                    share: formatShare(g.communityShare, locale, t),
                  })}
            </td>
            <td>
              {t('lists:balance.countShare', {
                number: g.heard,
                share: formatShare(g.heardShare, locale, t),
              })}
            </td>
            <td>
              <span class="status">{verdict(t, g)}</span>
            </td>
          </tr>
        ))}
      </DataTable>

      <h2>{t('lists:balance.byChannelHeading')}</h2>
      {balance.heard.byChannel.length === 0 ? (
        <p>{t('lists:balance.nobodyYet')}</p>
      ) : (
        <DataTable
          caption={t('lists:balance.channelsCaption')}
          columns={headings(t, 'lists:balance.columns', [
            'channel',
            'contributions',
            'participants',
            'anonymous',
          ])}
        >
          {balance.heard.byChannel.map((ch) => (
            <tr>
              <th scope="row">{t(`lists:channels.${ch.channel}`)}</th>
              <td>{ch.contributions}</td>
              <td>{ch.participants}</td>
              <td>{ch.anonymous}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <DataTable
        caption={t('lists:balance.kindsCaption')}
        columns={[t('lists:balance.columns.kind'), t('lists:balance.columns.contributions')]}
      >
        {CONTRIBUTION_KINDS.map((k) => (
          <tr>
            <th scope="row">{t(`lists:kinds.${k}`)}</th>
            <td>{balance.heard.byKind[k]}</td>
          </tr>
        ))}
      </DataTable>

      {balance.outreach.length ? (
        <>
          <h2>{t('lists:balance.outreachHeading')}</h2>
          <ul>
            {balance.outreach.map((o) => (
              <li>
                <time datetime={o.takenAt.toISOString()}>{formatTime(o.takenAt)}</time>{' '}
                {t(`lists:balance.outreachDone.${o.action}`, {
                  group: groupName(t, o.group),
                  number: o.residents,
                  code: o.campaignCode ?? '',
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {canManage ? (
        <section aria-labelledby="affected-heading">
          <h2 id="affected-heading">{t('lists:balance.affectedHeading')}</h2>
          <PostForm
            action={`${balanceTopicPath(balance.topic.id)}/affected-groups`}
            csrf={csrf}
            submit={t('lists:balance.affectedSubmit')}
            secondary
            novalidate={false}
          >
            <Choices
              t={t}
              type="checkbox"
              name="groups"
              legend={t('lists:balance.affectedLegend', { code: balance.topic.code })}
              hint={t('lists:balance.affectedHint')}
              options={RESIDENT_GROUPS.map((g) => ({ value: g, label: groupName(t, g) }))}
              checked={balance.groups.filter((g) => g.affected).map((g) => g.group)}
            />
          </PostForm>
        </section>
      ) : null}
    </Layout>
  );
};
