import type { FC } from 'hono/jsx';
import type { OutboxPage as OutboxPageData } from '../../src/staff/list-outbox-page.ts';
import type { LayoutProps } from '../http/layout.tsx';
import { Layout } from '../http/layout.tsx';

export interface OutboxPageProps {
  layout: Omit<LayoutProps, 'children' | 'title'>;
  data: OutboxPageData;
  /** False when no SMS/voice provider is configured: nothing in the outbox has left the building. */
  providerConfigured: boolean;
  formatTime: (d: Date) => string;
}

/** Reasons the outbox can name in words; any other provider code is shown as it is. */
const KNOWN_ERRORS = new Set(['opted_out', 'no_phone', 'cancelled', '21610', '21211', '21614']);
/** Statuses for which the reason is worth showing. */
const EXPLAINED = new Set(['failed', 'undelivered', 'skipped_opted_out']);

/** Every outbound message, newest first, with what became of it. */
export const OutboxPage: FC<OutboxPageProps> = ({ layout, data, providerConfigured, formatTime }) => {
  const { t } = layout;
  const pageHref = (page: number) => `/console/outbox?page=${page}`;
  return (
    <Layout {...layout} title={t('staff:outbox.title')}>
      {providerConfigured ? null : (
        <section class="banner-warning" aria-labelledby="not-sent-heading">
          <h2 id="not-sent-heading">{t('staff:outbox.notConfigured.heading')}</h2>
          <p>{t('staff:outbox.notConfigured.body')}</p>
          <p>{t('staff:outbox.notConfigured.action')}</p>
        </section>
      )}
      <p>{t('staff:outbox.summary', { total: data.total })}</p>
      {data.messages.length === 0 ? (
        <p>{t('staff:outbox.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t('staff:outbox.caption', { page: data.page, pageCount: data.pageCount })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff:outbox.columns.created')}</th>
                <th scope="col">{t('staff:outbox.columns.status')}</th>
                <th scope="col">{t('staff:outbox.columns.channel')}</th>
                <th scope="col">{t('ops:outbox.columns.campaign')}</th>
                <th scope="col">{t('staff:outbox.columns.resident')}</th>
                <th scope="col">{t('staff:outbox.columns.body')}</th>
              </tr>
            </thead>
            <tbody>
              {data.messages.map((m) => (
                <tr>
                  <td>
                    <time datetime={m.createdAt.toISOString()}>{formatTime(m.createdAt)}</time>
                  </td>
                  <td>
                    <span class={`status status-${m.status}`}>{t(`ops:outbox.status.${m.status}`)}</span>
                    {EXPLAINED.has(m.status) && m.error ? (
                      <>
                        <br />
                        {t('staff:outbox.error', {
                          error: KNOWN_ERRORS.has(m.error) ? t(`ops:outbox.error.${m.error}`) : m.error,
                        })}
                      </>
                    ) : null}
                    {m.possibleDuplicate ? (
                      <>
                        <br />
                        {t('ops:outbox.possibleDuplicate')}
                      </>
                    ) : null}
                  </td>
                  <td>{t(`staff:outbox.channel.${m.channel}`)}</td>
                  <td>{m.campaignCode ?? t('ops:outbox.noCampaign')}</td>
                  <td>
                    <span class="mono">{m.residentId}</span>
                  </td>
                  <td class="body" lang={m.locale}>
                    {m.body}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data.pageCount > 1 ? (
        <nav class="pagination" aria-label={t('web:pagination.label')}>
          <ul>
            {data.page > 1 ? (
              <li>
                <a href={pageHref(data.page - 1)} rel="prev">
                  {t('web:pagination.previous')}
                </a>
              </li>
            ) : null}
            <li>
              <span aria-current="page">
                {t('web:pagination.pageOf', { page: data.page, pageCount: data.pageCount })}
              </span>
            </li>
            {data.page < data.pageCount ? (
              <li>
                <a href={pageHref(data.page + 1)} rel="next">
                  {t('web:pagination.next')}
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </Layout>
  );
};
