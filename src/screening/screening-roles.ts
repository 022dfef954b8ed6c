/** Screening is the secretaries' work; department liaisons and supervisors may look at the themes. */
import { DELIBERATION_MANAGER_ROLES, DELIBERATION_VIEWER_ROLES } from '../deliberation/deliberation-roles.ts';

export const SCREENING_MANAGER_ROLES = DELIBERATION_MANAGER_ROLES;
export const SCREENING_VIEWER_ROLES = DELIBERATION_VIEWER_ROLES;
