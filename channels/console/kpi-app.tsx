/**
 * The KPI dashboard (/console/kpi): every figure of the plan beside its target, as charts with data
 * tables and written definitions.
 */

import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Locale, ParticipantGroup } from '../../src/db/schema.ts';
import { PARTICIPANT_GROUPS } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { computeKpis, type Kpi, type KpiReport } from '../../src/kpi/compute-kpis.ts';
import { KPI_GROUPS, KPI_VIEWER_ROLES, type KpiGroup } from '../../src/kpi/kpi-targets.ts';
import type { StaffEnv } from '../http/env.ts';
import { Layout } from '../http/layout.tsx';
import { requestCtx, staffRoute } from '../http/staff-auth.ts';
import { BarChart, type ChartRow } from './kpi-charts.tsx';
import { consoleLayout, DataTable, formatDay, formatShare, type PageLayout } from './lists-layout.tsx';

export const KPI_PATH = '/console/kpi';

/** A figure's value in words: a percentage or a number of working days. */
export function kpiValue(t: Translate, locale: Locale, kpi: Pick<Kpi, 'unit' | 'value'>): string {
  if (kpi.value === null) return t('kpi:noData');
  return kpi.unit === 'share'
    ? formatShare(kpi.value, locale, t)
    : t('kpi:workingDays', {
        days: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(kpi.value),
      });
}

/** The target in words: "at least 85%", "at most 7 working days". */
export function kpiTarget(
  t: Translate,
  locale: Locale,
  kpi: Pick<Kpi, 'unit' | 'target' | 'comparison'>,
): string {
  return t(`kpi:comparison.${kpi.comparison}`, {
    value: kpiValue(t, locale, { unit: kpi.unit, value: kpi.target }),
  });
}

export function kpiVerdict(t: Translate, kpi: Pick<Kpi, 'met'>): string {
  return kpi.met === null
    ? t('kpi:verdict.noData')
    : kpi.met
      ? t('kpi:verdict.met')
      : t('kpi:verdict.missed');
}

function chartRows(t: Translate, locale: Locale, kpis: Kpi[]): ChartRow[] {
  return kpis.map((k) => ({
    label: t(`kpi:names.${k.id}`),
    target: k.target,
    bars: [
      {
        series: 'actual',
        value: k.value,
        text: t('kpi:barText', {
          value: kpiValue(t, locale, k),
          target: kpiTarget(t, locale, k),
          verdict: kpiVerdict(t, k),
        }),
      },
    ],
  }));
}

const KpiSection: FC<{ t: Translate; locale: Locale; group: KpiGroup; kpis: Kpi[] }> = ({
  t,
  locale,
  group,
  kpis,
}) => {
  const shares = kpis.filter((k) => k.unit === 'share');
  const days = kpis.filter((k) => k.unit === 'working_days');
  const headingId = `kpi-${group}-heading`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t(`kpi:groups.${group}`)}</h2>
      {shares.length ? (
        <BarChart
          id={`chart-${group}-shares`}
          title={t('kpi:chart.sharesTitle', { group: t(`kpi:groups.${group}`) })}
          description={t('kpi:chart.sharesDescription')}
          series={[{ key: 'actual', label: t('kpi:chart.actual'), style: 'solid' }]}
          targetLabel={t('kpi:chart.target')}
          max={1}
          rows={chartRows(t, locale, shares)}
        />
      ) : null}
      {days.length ? (
        <BarChart
          id={`chart-${group}-days`}
          title={t('kpi:chart.daysTitle', { group: t(`kpi:groups.${group}`) })}
          description={t('kpi:chart.daysDescription')}
          series={[{ key: 'actual', label: t('kpi:chart.actual'), style: 'hatched' }]}
          targetLabel={t('kpi:chart.limit')}
          max={Math.max(...days.map((k) => Math.max(k.target * 2, k.value ?? 0)))}
          rows={chartRows(t, locale, days)}
        />
      ) : null}
      <DataTable
        caption={t('kpi:table.caption', { group: t(`kpi:groups.${group}`) })}
        columns={[
          t('kpi:table.figure'),
          t('kpi:table.actual'),
          t('kpi:table.target'),
          t('kpi:table.verdict'),
          t('kpi:table.basis'),
        ]}
      >
        {kpis.map((k) => (
          <tr>
            <th scope="row">
              <a href={`#def-${k.id}`}>{t(`kpi:names.${k.id}`)}</a>
            </th>
            <td>{kpiValue(t, locale, k)}</td>
            <td>{kpiTarget(t, locale, k)}</td>
            <td>
              <span class="status">{kpiVerdict(t, k)}</span>
            </td>
            <td>
              {k.numerator !== null && k.denominator !== null
                ? t('kpi:table.ofCases', { numerator: k.numerator, denominator: k.denominator })
                : t('kpi:table.cases', { sample: k.sample })}
            </td>
          </tr>
        ))}
      </DataTable>
      <h3>{t('kpi:definitionsHeading', { group: t(`kpi:groups.${group}`) })}</h3>
      <dl class="summary-list">
        {kpis.map((k) => (
          <div id={`def-${k.id}`}>
            <dt>{t(`kpi:names.${k.id}`)}</dt>
            <dd>{t(`kpi:definitions.${k.id}`)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
};

export const KpiPage: FC<{ layout: PageLayout; report: KpiReport }> = ({ layout, report }) => {
  const { t, locale } = layout;
  const attendanceTotal = PARTICIPANT_GROUPS.reduce((sum, g) => sum + (report.attendance[g] ?? 0), 0);
  return (
    <Layout {...layout} title={t('kpi:title')}>
      <p>{t('kpi:intro', { date: formatDay(report.today, locale) })}</p>
      <p>
        <a href="/api/open/kpis">{t('kpi:openData')}</a>
      </p>
      {KPI_GROUPS.map((group) => (
        <KpiSection t={t} locale={locale} group={group} kpis={report.kpis.filter((k) => k.group === group)} />
      ))}
      <section aria-labelledby="attendance-heading">
        <h2 id="attendance-heading">{t('kpi:attendance.heading')}</h2>
        <p>{t('kpi:attendance.intro')}</p>
        <DataTable
          caption={t('kpi:attendance.caption')}
          columns={[t('kpi:attendance.group'), t('kpi:attendance.count'), t('kpi:attendance.share')]}
        >
          {PARTICIPANT_GROUPS.map((g: ParticipantGroup) => (
            <tr>
              <th scope="row">{t(`kpi:participantGroups.${g}`)}</th>
              <td>{report.attendance[g] ?? 0}</td>
              <td>
                {formatShare(
                  attendanceTotal ? (report.attendance[g] ?? 0) / attendanceTotal : null,
                  locale,
                  t,
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
    </Layout>
  );
};

/** Registers the dashboard on a console sub-app made by createStaffApp. */
export function registerKpiRoutes(app: Hono<StaffEnv>, deps: AppDeps): void {
  staffRoute(app, 'GET', KPI_PATH, KPI_VIEWER_ROLES, async (c) => {
    const report = await computeKpis(requestCtx(deps, c), { timeZone: deps.config.timeZone });
    return c.html(<KpiPage layout={consoleLayout(deps, c)} report={report} />);
  });
}
