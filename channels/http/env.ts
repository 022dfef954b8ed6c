import type { Locale } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { ResolvedStaffSession } from '../../src/staff/resolve-staff-session.ts';

/** Variables every HTML page handler can read once the page middleware has run. */
export type PageVariables = {
  requestId: string;
  locale: Locale;
  t: Translate;
};

/** Page variables plus the signed-in staff member, when there is one. */
export type StaffVariables = PageVariables & {
  staffAuth: ResolvedStaffSession | undefined;
  /** The raw session token from the cookie, for signing out. */
  sessionToken: string | undefined;
};

export type PageEnv = { Variables: PageVariables };
export type StaffEnv = { Variables: StaffVariables };
