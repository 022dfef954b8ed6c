import { STAFF_ROLES, type StaffRole } from '../../src/db/schema.ts';
import { DELIBERATION_VIEWER_ROLES } from '../../src/deliberation/deliberation-roles.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { KIOSK_MANAGER_ROLES } from '../../src/kiosk/kiosk-device.ts';
import { KPI_VIEWER_ROLES } from '../../src/kpi/kpi-targets.ts';
import { LISTS_VIEWER_ROLES } from '../../src/lists/lists-roles.ts';
import { BALANCE_VIEWER_ROLES } from '../../src/participation/balance-roles.ts';
import { PROXY_HOME_ROLES } from '../../src/proxy/proxy-roles.ts';
import { SCREENING_VIEWER_ROLES } from '../../src/screening/screening-roles.ts';
import { OUTBOX_VIEWER_ROLES } from '../../src/staff/list-outbox-page.ts';
import { AUDIT_VIEWER_ROLES } from '../../src/staff/review-audit-log.ts';
import { CALLBACK_HANDLER_ROLES } from '../../src/voice/list-open-callbacks.ts';
import type { NavLink } from '../http/layout.tsx';
import { hasAnyRole } from '../http/staff-auth.ts';

/** Every staff role may see the console home and sign out. */
export const CONSOLE_HOME_ROLES: readonly StaffRole[] = STAFF_ROLES;
export const CONSOLE_OUTBOX_ROLES = OUTBOX_VIEWER_ROLES;
export const CONSOLE_AUDIT_ROLES = AUDIT_VIEWER_ROLES;

export interface ConsoleSection extends NavLink {
  description: string;
}

/** The console sections this person's roles open, in menu order. */
export function consoleSections(t: Translate, roles: readonly StaffRole[]): ConsoleSection[] {
  const sections: (ConsoleSection & { roles: readonly StaffRole[] })[] = [
    {
      href: '/console',
      label: t('staff:nav.home'),
      description: t('staff:home.sections.home'),
      roles: CONSOLE_HOME_ROLES,
    },
    {
      href: '/console/outbox',
      label: t('staff:nav.outbox'),
      description: t('staff:home.sections.outbox'),
      roles: CONSOLE_OUTBOX_ROLES,
    },
    {
      href: '/console/audit',
      label: t('staff:nav.audit'),
      description: t('staff:home.sections.audit'),
      roles: CONSOLE_AUDIT_ROLES,
    },
    {
      href: '/console/screening',
      label: t('deliberation:nav.screening'),
      description: t('deliberation:nav.screeningDescription'),
      roles: SCREENING_VIEWER_ROLES,
    },
    {
      href: '/console/topics',
      label: t('deliberation:nav.topics'),
      description: t('deliberation:nav.topicsDescription'),
      roles: DELIBERATION_VIEWER_ROLES,
    },
    {
      href: '/console/lists',
      label: t('lists:sections.lists.label'),
      description: t('lists:sections.lists.description'),
      roles: LISTS_VIEWER_ROLES,
    },
    {
      href: '/console/kpi',
      label: t('lists:sections.kpi.label'),
      description: t('lists:sections.kpi.description'),
      roles: KPI_VIEWER_ROLES,
    },
    {
      href: '/console/balance',
      label: t('lists:sections.balance.label'),
      description: t('lists:sections.balance.description'),
      roles: BALANCE_VIEWER_ROLES,
    },
    {
      href: '/proxy',
      label: t('proxy:nav.consoleSection'),
      description: t('proxy:nav.consoleSectionDescription'),
      roles: PROXY_HOME_ROLES,
    },
    {
      href: '/console/callbacks',
      label: t('voice:callbacks.nav'),
      description: t('voice:callbacks.description'),
      roles: CALLBACK_HANDLER_ROLES,
    },
    {
      href: '/console/kiosks',
      label: t('kiosk:console.nav'),
      description: t('kiosk:console.intro'),
      roles: KIOSK_MANAGER_ROLES,
    },
  ];
  return sections.filter((s) => hasAnyRole(roles, s.roles)).map(({ roles: _roles, ...s }) => s);
}
