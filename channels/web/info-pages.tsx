import type { FC } from 'hono/jsx';
import { type PageBase, WebPage } from './web-page.tsx';

/** How accessible the website is, what people can do, and how to report a problem. */
export const AccessibilityPage: FC<{ base: PageBase }> = ({ base }) => {
  const { t } = base;
  const can = ['keyboard', 'text', 'contrast', 'language', 'noScript', 'other'] as const;
  return (
    <WebPage base={base} title={t('site:accessibility.title')}>
      <p class="lead">{t('site:accessibility.intro')}</p>
      <h2>{t('site:accessibility.canHeading')}</h2>
      <ul>
        {can.map((key) => (
          <li>{t(`site:accessibility.can.${key}`)}</li>
        ))}
      </ul>
      <h2>{t('site:accessibility.standardHeading')}</h2>
      <p>{t('site:accessibility.standard')}</p>
      <h2>{t('site:accessibility.limitsHeading')}</h2>
      <p>{t('site:accessibility.limits')}</p>
      <h2>{t('site:accessibility.contactHeading')}</h2>
      <p>{t('site:accessibility.contact', { helpPhone: base.helpPhone })}</p>
    </WebPage>
  );
};

/** What the website keeps, why, who sees it, and the resident's choices. */
export const PrivacyPage: FC<{ base: PageBase }> = ({ base }) => {
  const { t } = base;
  return (
    <WebPage base={base} title={t('site:privacy.title')}>
      <p class="lead">{t('site:privacy.intro')}</p>
      <h2>{t('site:privacy.whatHeading')}</h2>
      <ul>
        {(['submissions', 'phone', 'cookies'] as const).map((key) => (
          <li>{t(`site:privacy.what.${key}`)}</li>
        ))}
      </ul>
      <h2>{t('site:privacy.whyHeading')}</h2>
      <p>{t('site:privacy.why')}</p>
      <h2>{t('site:privacy.shareHeading')}</h2>
      <p>{t('site:privacy.share')}</p>
      <h2>{t('site:privacy.keepHeading')}</h2>
      <p>{t('site:privacy.keep', { helpPhone: base.helpPhone })}</p>
    </WebPage>
  );
};

/** A page that says one thing and offers the way on (not found, form expired). */
export const MessagePage: FC<{
  base: PageBase;
  title: string;
  paragraphs: string[];
  links: { href: string; label: string }[];
}> = ({ base, title, paragraphs, links }) => (
  <WebPage base={base} title={title}>
    {paragraphs.map((p) => (
      <p>{p}</p>
    ))}
    <ul class="link-list">
      {links.map((l) => (
        <li>
          <a href={l.href}>{l.label}</a>
        </li>
      ))}
    </ul>
  </WebPage>
);
