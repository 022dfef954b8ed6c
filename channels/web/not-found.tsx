import type { NotFoundHandler } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { resolveDisplay, runWithDisplay } from '../http/display.ts';
import { pickLocale } from '../http/locale.ts';
import { setPageSecurityHeaders, wantsHtml } from '../http/pages.tsx';
import { MessagePage } from './info-pages.tsx';

/**
 * The answer to an address no route knows: the website's own page, in the reader's language and
 * display settings, with the way back; plain JSON for clients that did not ask for HTML. For
 * `app.notFound(...)` of the whole application.
 */
export function webNotFound(deps: Pick<AppDeps, 'config' | 'i18n'>): NotFoundHandler {
  return (c) => {
    const { locale } = pickLocale(c, deps.config.defaultLocale);
    const t = deps.i18n.forLocale(locale);
    if (!wantsHtml(c)) {
      const requestId: unknown = c.get('requestId');
      return c.json({ error: { code: 'not_found', message: t('site:notFound.title'), requestId } }, 404);
    }
    setPageSecurityHeaders(c);
    const display = resolveDisplay(c, deps.config);
    const url = new URL(c.req.url);
    const base = { t, locale, currentPath: `${url.pathname}${url.search}`, helpPhone: deps.config.helpPhone };
    return runWithDisplay(display, () =>
      c.html(
        <MessagePage
          base={base}
          title={t('site:notFound.title')}
          paragraphs={[t('site:notFound.body')]}
          links={[
            { href: '/', label: t('site:common.backHome') },
            { href: '/topics', label: t('site:home.allTopics') },
          ]}
        />,
        404,
      ),
    );
  };
}
