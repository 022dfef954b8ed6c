import { STAFF_ROLES, type StaffRole } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { KIOSK_MANAGER_ROLES } from '../../src/kiosk/kiosk-device.ts';
import { OUTBOX_VIEWER_ROLES } from '../../src/staff/list-outbox-page.ts';
import { AUDIT_VIEWER_ROLES } from '../../src/staff/review-audit-log.ts';
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
      href: '/console/kiosks',
      label: t('kiosk:console.nav'),
      description: t('kiosk:console.intro'),
      roles: KIOSK_MANAGER_ROLES,
    },
  ];
  return sections.filter((s) => hasAnyRole(roles, s.roles)).map(({ roles: _roles, ...s }) => s);
}
