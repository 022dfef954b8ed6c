/**
 * Who runs the deliberation and who may watch it. Community secretaries (and administrators) screen
 * needs, publish topics, run meetings and publish results; department liaisons and supervisors read
 * the same pages and records without changing them.
 */
import type { StaffRole } from '../db/schema.ts';

export const DELIBERATION_MANAGER_ROLES: readonly StaffRole[] = ['admin', 'community_secretary'];
export const DELIBERATION_VIEWER_ROLES: readonly StaffRole[] = [
  'admin',
  'community_secretary',
  'department_liaison',
  'supervisor',
];
