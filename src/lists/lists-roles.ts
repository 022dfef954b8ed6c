/**
 * Who may do what with the three lists. Department liaisons act for their own department
 * (`staff.department`); the verbs check that beyond the role.
 */
import type { StaffRole } from '../db/schema.ts';

/** Who may read the responsibility, supervision and evaluation lists and export them. */
export const LISTS_VIEWER_ROLES: readonly StaffRole[] = [
  'admin',
  'community_secretary',
  'supervisor',
  'department_liaison',
];

/** Who writes a topic's responsibility list (unit, deadline, acceptance criteria). */
export const RESPONSIBILITY_MANAGER_ROLES: readonly StaffRole[] = ['admin', 'community_secretary'];

/** Who reports progress and completion: the liaison of a department involved in the item. */
export const PROGRESS_REPORTER_ROLES: readonly StaffRole[] = ['department_liaison'];

/** Who handles escalations on the supervision list. */
export const ESCALATION_HANDLER_ROLES: readonly StaffRole[] = ['admin', 'supervisor'];
