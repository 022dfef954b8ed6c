import type { FC } from 'hono/jsx';
import type { LayoutProps } from '../http/layout.tsx';
import { Layout } from '../http/layout.tsx';
import type { ConsoleSection } from './console-roles.ts';

export interface HomePageProps {
  layout: Omit<LayoutProps, 'children' | 'title'>;
  displayName: string;
  username: string;
  roleNames: string[];
  department: string | null;
  sessionEndsAt: string;
  sections: ConsoleSection[];
}

/** The console home: who is signed in, with which roles, and where they can go. */
export const HomePage: FC<HomePageProps> = (props) => {
  const { t } = props.layout;
  const others = props.sections.filter((s) => s.href !== '/console');
  return (
    <Layout {...props.layout} title={t('staff:home.title')}>
      <p>{t('staff:home.signedInAs', { name: props.displayName, username: props.username })}</p>
      <h2>{t('staff:home.rolesHeading')}</h2>
      <ul>
        {props.roleNames.map((r) => (
          <li>{r}</li>
        ))}
      </ul>
      {props.department ? <p>{t('staff:home.department', { department: props.department })}</p> : null}
      <p>{t('staff:home.sessionEnds', { time: props.sessionEndsAt })}</p>
      <h2>{t('staff:home.sectionsHeading')}</h2>
      {others.length ? (
        <ul class="link-list">
          {others.map((s) => (
            <li>
              <a href={s.href}>{s.label}</a> — {s.description}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('staff:home.noSections')}</p>
      )}
    </Layout>
  );
};
