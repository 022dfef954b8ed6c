/**
 * The proxy console's other pages: home (current visit, homes to visit, recent records), one record
 * with its stamp and versions, the second-visit check, the supervisor's view, and simple messages.
 */
import type { FC } from 'hono/jsx';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import type { ProxySupervision } from '../../src/proxy/get-proxy-supervision.ts';
import type { ProxyVisitView } from '../../src/proxy/get-proxy-visit.ts';
import type { ProxyRecordDetail, ProxyRecordListItem } from '../../src/proxy/list-proxy-records.ts';
import type { VisitListDelivery, VisitListEntry } from '../../src/proxy/list-visit-list.ts';
import { SIGNATURE_HEIGHT, SIGNATURE_WIDTH } from '../../src/proxy/signature-path.ts';
import { CSRF_FIELD } from '../http/csrf.ts';
import { errorFor, type FieldError } from '../http/error-summary.tsx';
import { Textarea } from './proxy-fields.tsx';
import {
  inLocale,
  type ProxyLayoutBase,
  ProxyPage,
  percent,
  SPEECH_LANG,
  type Translate,
} from './proxy-layout.tsx';
import { queueConfig, RecordList, statusLabel } from './proxy-visit-page.tsx';

type Format = { dateTime: (d: Date) => string; time: (d: Date) => string };

export const HomePage: FC<{
  base: ProxyLayoutBase;
  csrfToken: string;
  isWriter: boolean;
  isSupervisor: boolean;
  current: ProxyVisitView | undefined;
  visitList: { items: VisitListEntry[]; deliveries: VisitListDelivery[] } | undefined;
  records: ProxyRecordListItem[];
  openAlerts: number | undefined;
  format: Format;
  notice?: string | undefined;
}> = (p) => {
  const { t, locale } = p.base;
  return (
    <ProxyPage
      base={p.base}
      title={t('proxy:home.title')}
      config={p.isWriter ? { csrf: p.csrfToken, api: '/proxy/api/records', ...queueConfig(t) } : {}}
    >
      {p.notice ? (
        <div class="panel-confirmation" role="status">
          <p>{p.notice}</p>
        </div>
      ) : null}
      {p.isSupervisor ? (
        <section aria-labelledby="home-supervision">
          <h2 id="home-supervision">{t('proxy:home.supervisionTitle')}</h2>
          <p>{t('proxy:home.openAlerts', { count: p.openAlerts ?? 0 })}</p>
          <p>
            <a class="button secondary" href="/proxy/supervision">
              {t('proxy:home.supervisionLink')}
            </a>
          </p>
        </section>
      ) : null}
      {p.isWriter ? (
        <>
          <div id="proxy-status" role="status" class="proxy-status" />
          <section id="proxy-pending" class="pending" aria-labelledby="proxy-pending-title" hidden>
            <h2 id="proxy-pending-title">{t('proxy:queue.title')}</h2>
            <ul />
          </section>
          <section aria-labelledby="home-visit">
            <h2 id="home-visit">{t('proxy:home.visitTitle')}</h2>
            {p.current ? (
              <>
                <p>
                  {p.current.state === 'open'
                    ? t('proxy:home.visitOpen', {
                        name: p.current.resident.name ?? t('proxy:common.unnamed'),
                        time: p.format.time(p.current.visit.expiresAt),
                      })
                    : t('proxy:home.visitExpired', {
                        name: p.current.resident.name ?? t('proxy:common.unnamed'),
                        time: p.format.time(p.current.visit.expiresAt),
                      })}
                </p>
                <div class="button-row">
                  {p.current.state === 'open' ? (
                    <a class="button" href="/proxy/visit">
                      {t('proxy:home.continueVisit')}
                    </a>
                  ) : null}
                  <form method="post" action={`/proxy/visits/${p.current.visit.id}/end`}>
                    <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
                    <button type="submit" class="secondary">
                      {t('proxy:visit.end')}
                    </button>
                  </form>
                </div>
              </>
            ) : (
              <p>
                <a class="button" href="/proxy/residents">
                  {t('proxy:home.startVisit')}
                </a>
              </p>
            )}
          </section>
          <section aria-labelledby="home-list">
            <h2 id="home-list">{t('proxy:home.listTitle')}</h2>
            {p.visitList && (p.visitList.items.length || p.visitList.deliveries.length) ? (
              <ul class="card-list">
                {p.visitList.items.map((item) => (
                  <li class="card">
                    <h3>{item.residentName ?? t('proxy:common.unnamed')}</h3>
                    <p>
                      <span class="tag">{t(`proxy:listReasons.${item.reason}`)}</span>{' '}
                      {item.topicCode ? t('proxy:home.aboutTopic', { topicCode: item.topicCode }) : ''}
                    </p>
                    <p>{inLocale(item.communityName, locale) || t('proxy:common.noCommunity')}</p>
                    {item.note ? <p>{item.note}</p> : null}
                    {item.reason === 'second_visit' ? (
                      <p>
                        <a class="button" href={`/proxy/second-visits/${item.residentId}`}>
                          {t('proxy:home.checkRecords', { count: item.awaitingRecords })}
                          <span class="visually-hidden"> {item.residentName ?? ''}</span>
                        </a>
                      </p>
                    ) : (
                      <form method="post" action={`/proxy/visit-list/${item.id}/done`}>
                        <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
                        <button type="submit" class="secondary">
                          {t('proxy:home.markDone')}
                          <span class="visually-hidden"> {item.residentName ?? ''}</span>
                        </button>
                      </form>
                    )}
                  </li>
                ))}
                {p.visitList.deliveries.map((d) => (
                  <li class="card">
                    <h3>{d.residentName ?? t('proxy:common.unnamed')}</h3>
                    <p>
                      <span class="tag">{t('proxy:listReasons.cannot_read_delivery')}</span>
                    </p>
                    <p class="record-text">{d.body}</p>
                    <form method="post" action={`/proxy/deliveries/${d.deliveryId}/read`}>
                      <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
                      <button type="submit" class="secondary">
                        {t('proxy:home.markRead')}
                        <span class="visually-hidden"> {d.residentName ?? ''}</span>
                      </button>
                    </form>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t('proxy:home.listEmpty')}</p>
            )}
          </section>
          <section aria-labelledby="home-records">
            <h2 id="home-records">{t('proxy:home.recordsTitle')}</h2>
            {p.records.length ? <RecordList t={t} records={p.records} /> : <p>{t('proxy:home.noRecords')}</p>}
          </section>
        </>
      ) : null}
    </ProxyPage>
  );
};

const Signature: FC<{ t: Translate; path: string }> = ({ t, path }) => (
  <svg
    class="signature-image"
    viewBox={`0 0 ${SIGNATURE_WIDTH} ${SIGNATURE_HEIGHT}`}
    role="img"
    aria-label={t('proxy:record.signatureImage')}
  >
    <path d={path} fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" />
  </svg>
);

export const RecordPage: FC<{
  base: ProxyLayoutBase;
  detail: ProxyRecordDetail;
  residentName: string;
  proxyName: string;
  format: Format;
  /** Set when the viewer is visiting this record's resident now and may correct it. */
  correctHref: string | undefined;
}> = (p) => {
  const { t } = p.base;
  const { record, visit, confirmation, versions } = p.detail;
  const row = (label: string, value: unknown) => (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  const superseded = versions.find((v) => v.supersedesId === record.id);
  return (
    <ProxyPage
      base={p.base}
      title={t('proxy:record.title', { version: record.version, name: p.residentName })}
      config={{
        'speech-lang': SPEECH_LANG[record.readBackLocale],
        'msg-read': t('proxy:readBack.readAloud'),
        'msg-stop': t('proxy:readBack.stopReading'),
      }}
    >
      {superseded ? (
        <p class="notice">
          {t('proxy:record.supersededBy')}{' '}
          <a href={`/proxy/records/${superseded.id}`}>
            {t('proxy:record.version', { version: superseded.version })}
          </a>
        </p>
      ) : null}
      <h2>{t('proxy:record.readBackTitle')}</h2>
      <p class="readback-text" id="proxy-readback-text" lang={record.readBackLocale}>
        {record.readBackText}
      </p>
      <div class="button-row">
        <button type="button" class="secondary" id="proxy-read-aloud" hidden>
          {t('proxy:readBack.readAloud')}
        </button>
        {p.correctHref ? (
          <a class="button secondary" href={p.correctHref}>
            {t('proxy:record.correct')}
          </a>
        ) : null}
      </div>
      <h2>{t('proxy:record.stampTitle')}</h2>
      <dl class="summary-list">
        {row(
          t('proxy:record.status'),
          `${statusLabel(t, confirmation?.status ?? 'awaiting_reply')}${confirmation?.answeredVia ? ` · ${t(`proxy:record.via.${confirmation.answeredVia}`)}` : ''}`,
        )}
        {row(t('proxy:record.asked'), confirmation ? t(`proxy:record.askedBy.${confirmation.channel}`) : '')}
        {row(t('proxy:record.resident'), p.residentName)}
        {row(t('proxy:record.proxy'), p.proxyName)}
        {row(t('proxy:record.kind'), t(`proxy:kinds.${record.kind}`))}
        {row(
          t('proxy:record.reason'),
          `${t(`proxy:reasons.${record.reason}`)}${record.interpreterName ? ` · ${t('proxy:visit.interpreter', { name: record.interpreterName })}` : ''}`,
        )}
        {row(
          t('proxy:record.consent'),
          <>
            {t(`proxy:consent.${record.consentKind}`)}
            {visit.guardianName ? ` · ${visit.guardianName}` : ''}
            {visit.consentNote ? ` · ${visit.consentNote}` : ''}
            {visit.consentSignature ? <Signature t={t} path={visit.consentSignature} /> : null}
          </>,
        )}
        {row(t('proxy:record.readBackAt'), p.format.dateTime(record.readBackAt))}
        {row(t('proxy:record.recordedAt'), p.format.dateTime(record.recordedAt))}
        {row(t('proxy:record.receivedAt'), p.format.dateTime(record.receivedAt))}
        {row(
          t('proxy:record.visit'),
          t('proxy:record.visitValue', { started: p.format.dateTime(visit.startedAt) }),
        )}
        {row(t('proxy:record.location'), record.location ?? t('proxy:record.noLocation'))}
        {row(t('proxy:record.versionLabel'), t('proxy:record.version', { version: record.version }))}
        {record.correctionNote ? row(t('proxy:record.correctionNote'), record.correctionNote) : null}
      </dl>
      {versions.length > 1 ? (
        <>
          <h2>{t('proxy:record.versionsTitle')}</h2>
          <ol class="versions">
            {versions.map((v) => (
              <li>
                {v.id === record.id ? (
                  <strong aria-current="page">{t('proxy:record.version', { version: v.version })}</strong>
                ) : (
                  <a href={`/proxy/records/${v.id}`}>{t('proxy:record.version', { version: v.version })}</a>
                )}{' '}
                · {statusLabel(t, v.status)} · {p.format.dateTime(v.recordedAt)}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </ProxyPage>
  );
};

export const SecondVisitPage: FC<{
  base: ProxyLayoutBase;
  csrfToken: string;
  residentName: string;
  records: ProxyRecordListItem[];
  format: Format;
  lang: Locale;
}> = (p) => {
  const { t } = p.base;
  return (
    <ProxyPage
      base={p.base}
      title={t('proxy:second.title', { name: p.residentName })}
      config={{
        'speech-lang': SPEECH_LANG[p.lang],
        'msg-read': t('proxy:readBack.readAloud'),
        'msg-stop': t('proxy:readBack.stopReading'),
      }}
    >
      <p>{t('proxy:second.intro')}</p>
      {p.records.length ? (
        <ul class="record-list">
          {p.records.map((r, index) => (
            <li class="record">
              <h2>
                {t('proxy:second.recordTitle', {
                  number: index + 1,
                  proxy: r.proxyName,
                  date: p.format.dateTime(r.recordedAt),
                })}
              </h2>
              <p class="readback-text" lang={p.lang} data-read-source>
                {r.readBackText}
              </p>
              <div class="button-row">
                <button type="button" class="secondary" data-read-aloud hidden>
                  {t('proxy:readBack.readAloud')}
                </button>
              </div>
              <form method="post" action={`/proxy/second-visits/${r.residentId}/answer`} class="button-row">
                <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
                <input type="hidden" name="recordId" value={r.id} />
                <button type="submit" name="answer" value="confirmed">
                  {t('proxy:second.confirmed')}
                </button>
                <button type="submit" name="answer" value="disputed" class="secondary">
                  {t('proxy:second.disputed')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p role="status">{t('proxy:second.none')}</p>
      )}
      <p>
        <a href="/proxy">{t('proxy:common.backHome')}</a>
      </p>
    </ProxyPage>
  );
};

export const SupervisionPage: FC<{
  base: ProxyLayoutBase;
  csrfToken: string;
  data: ProxySupervision;
  format: Format;
  failedAlert?: { alertId: string; note: string; errors: FieldError[] } | undefined;
  notice?: string | undefined;
}> = (p) => {
  const { t, locale } = p.base;
  const pct = (n: number) => percent(n, locale);
  return (
    <ProxyPage base={p.base} title={t('proxy:supervision.title')} errors={p.failedAlert?.errors}>
      {p.notice ? (
        <div class="panel-confirmation" role="status">
          <p>{p.notice}</p>
        </div>
      ) : null}
      <p>{t('proxy:supervision.intro', { since: p.format.dateTime(p.data.since) })}</p>
      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">{t('proxy:supervision.alertsTitle', { count: p.data.alerts.length })}</h2>
        {p.data.alerts.length ? (
          <ul class="card-list">
            {p.data.alerts.map((a) => {
              const failed = p.failedAlert?.alertId === a.id ? p.failedAlert : undefined;
              return (
                <li class="card alert-card">
                  <h3>
                    {t('proxy:supervision.alertHeading', {
                      proxy: a.proxyName,
                      name: a.residentName ?? t('proxy:common.unnamed'),
                    })}
                  </h3>
                  <p>{t('proxy:supervision.alertWhen', { time: p.format.dateTime(a.createdAt) })}</p>
                  <p class="record-text">{a.readBackText}</p>
                  <p>
                    <a href={`/proxy/records/${a.recordId}`}>{t('proxy:supervision.openRecord')}</a>
                  </p>
                  <form method="post" action={`/proxy/supervision/alerts/${a.id}/acknowledge`} novalidate>
                    <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
                    <Textarea
                      t={t}
                      id={`alert-${a.id}-note`}
                      name="note"
                      label={t('proxy:supervision.alertNote')}
                      value={failed?.note}
                      error={failed ? errorFor(failed.errors, `alert-${a.id}-note`) : undefined}
                      rows={2}
                    />
                    <button type="submit">{t('proxy:supervision.acknowledge')}</button>
                  </form>
                </li>
              );
            })}
          </ul>
        ) : (
          <p>{t('proxy:supervision.noAlerts')}</p>
        )}
      </section>
      <section aria-labelledby="proxies-title">
        <h2 id="proxies-title">{t('proxy:supervision.proxiesTitle')}</h2>
        {p.data.proxies.length ? (
          <ul class="card-list">
            {p.data.proxies.map((row) => (
              <li class={row.anomalies.flagged ? 'card flagged' : 'card'}>
                <h3>
                  <a href={`/proxy/supervision/proxies/${row.staffId}`}>{row.displayName}</a>
                  {row.anomalies.flagged ? (
                    <span class="tag flag">{t('proxy:supervision.flagged')}</span>
                  ) : null}
                </h3>
                <dl class="rates">
                  <div>
                    <dt>{t('proxy:supervision.records')}</dt>
                    <dd>{row.counts.total}</dd>
                  </div>
                  <div>
                    <dt>{t('proxy:status.confirmed')}</dt>
                    <dd>
                      {pct(row.rates.confirmed)} ({row.counts.confirmed})
                    </dd>
                  </div>
                  <div>
                    <dt>{t('proxy:status.disputed')}</dt>
                    <dd>
                      {pct(row.rates.disputed)} ({row.counts.disputed})
                    </dd>
                  </div>
                  <div>
                    <dt>{t('proxy:status.unconfirmed')}</dt>
                    <dd>
                      {pct(row.rates.unconfirmed)} ({row.counts.unconfirmed})
                    </dd>
                  </div>
                  <div>
                    <dt>{t('proxy:supervision.awaiting')}</dt>
                    <dd>
                      {pct(row.rates.awaiting)} ({row.counts.awaiting_reply + row.counts.awaiting_visit})
                    </dd>
                  </div>
                </dl>
                {row.anomalies.flagged ? (
                  <ul class="flags">
                    {row.anomalies.similarGroups.length ? (
                      <li>
                        {t('proxy:supervision.flagSimilar', {
                          groups: row.anomalies.similarGroups.length,
                          records: row.anomalies.similarGroups.flat().length,
                        })}
                      </li>
                    ) : null}
                    {row.anomalies.outsideCommunity.length ? (
                      <li>
                        {t('proxy:supervision.flagOutside', { count: row.anomalies.outsideCommunity.length })}
                      </li>
                    ) : null}
                    {row.anomalies.busyHour.length ? (
                      <li>{t('proxy:supervision.flagBusy', { count: row.anomalies.maxPerHour })}</li>
                    ) : null}
                  </ul>
                ) : (
                  <p>{t('proxy:supervision.noFlags')}</p>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('proxy:supervision.noRecords')}</p>
        )}
      </section>
      <h2>{t('proxy:supervision.howTitle')}</h2>
      <ul>
        <li>{t('proxy:supervision.howSimilar')}</li>
        <li>{t('proxy:supervision.howOutside')}</li>
        <li>{t('proxy:supervision.howBusy')}</li>
      </ul>
    </ProxyPage>
  );
};

export const ProxyRecordsPage: FC<{
  base: ProxyLayoutBase;
  proxyName: string;
  records: ProxyRecordListItem[];
}> = (p) => {
  const { t } = p.base;
  return (
    <ProxyPage base={p.base} title={t('proxy:supervision.recordsOf', { name: p.proxyName })}>
      {p.records.length ? (
        <RecordList t={t} records={p.records} />
      ) : (
        <p>{t('proxy:supervision.noRecords')}</p>
      )}
      <p>
        <a href="/proxy/supervision">{t('proxy:supervision.back')}</a>
      </p>
    </ProxyPage>
  );
};

export const ProxyMessagePage: FC<{
  base: ProxyLayoutBase;
  title: string;
  paragraphs: string[];
  links: { href: string; label: string }[];
}> = (p) => (
  <ProxyPage base={p.base} title={p.title}>
    {p.paragraphs.map((text) => (
      <p>{text}</p>
    ))}
    <ul class="link-list">
      {p.links.map((l) => (
        <li>
          <a href={l.href}>{l.label}</a>
        </li>
      ))}
    </ul>
  </ProxyPage>
);

export type { LocalizedText };
