import type { FC } from 'hono/jsx';
import type { AuditReview } from '../../src/staff/review-audit-log.ts';
import type { LayoutProps } from '../http/layout.tsx';
import { Layout } from '../http/layout.tsx';

export interface AuditPageProps {
  layout: Omit<LayoutProps, 'children' | 'title'>;
  review: AuditReview;
  formatTime: (d: Date) => string;
}

/** The audit chain's verdict in words, and the latest entries. */
export const AuditPage: FC<AuditPageProps> = ({ layout, review, formatTime }) => {
  const { t } = layout;
  const { report, recent } = review;
  return (
    <Layout {...layout} title={t('staff:audit.title')}>
      {report.ok ? (
        <section class="banner-ok" aria-labelledby="verdict-heading">
          <h2 id="verdict-heading">{t('staff:audit.ok.heading')}</h2>
          <p>{t('staff:audit.ok.body', { total: report.entries })}</p>
          <p>
            {t('staff:audit.ok.lastHash')} <code>{report.lastHash}</code>
          </p>
        </section>
      ) : (
        <section class="banner-warning" aria-labelledby="verdict-heading">
          <h2 id="verdict-heading">{t('staff:audit.broken.heading')}</h2>
          <p>{t('staff:audit.broken.body', { seq: report.brokenAt, total: report.entries })}</p>
          <p>{t(`staff:audit.broken.problem.${report.problem}`)}</p>
          <p>{t('staff:audit.broken.action')}</p>
        </section>
      )}
      <p>{t('staff:audit.explain')}</p>
      <h2>{t('staff:audit.recentHeading')}</h2>
      {recent.length === 0 ? (
        <p>{t('staff:audit.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{t('staff:audit.recentHeading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff:audit.columns.seq')}</th>
                <th scope="col">{t('staff:audit.columns.at')}</th>
                <th scope="col">{t('staff:audit.columns.actor')}</th>
                <th scope="col">{t('staff:audit.columns.action')}</th>
                <th scope="col">{t('staff:audit.columns.subject')}</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((row) => (
                <tr>
                  <td>{row.seq}</td>
                  <td>
                    <time datetime={new Date(row.at).toISOString()}>{formatTime(new Date(row.at))}</time>
                  </td>
                  <td>{describeActor(row.actorType, row.actor, t)}</td>
                  <td>
                    <code>{row.action}</code>
                  </td>
                  <td>
                    {row.subjectType} <span class="mono">{row.subjectId}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
};

function describeActor(actorType: string, actor: unknown, t: LayoutProps['t']): string {
  const a = (actor ?? {}) as Record<string, unknown>;
  switch (actorType) {
    case 'staff':
      return t('staff:audit.actor.staff', { id: String(a.staffId ?? '') });
    case 'proxy':
      return t('staff:audit.actor.proxy', { id: String(a.staffId ?? '') });
    case 'resident':
      return t('staff:audit.actor.resident', { via: String(a.via ?? '') });
    case 'system':
      return t('staff:audit.actor.system', { job: String(a.job ?? '') });
    default:
      return actorType;
  }
}
