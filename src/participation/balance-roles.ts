import type { StaffRole } from '../db/schema.ts';

/** Who may see who has been heard on each topic. */
export const BALANCE_VIEWER_ROLES: readonly StaffRole[] = ['admin', 'community_secretary', 'supervisor'];

/** Who marks the groups a topic affects and starts outreach to an under-heard group. */
export const BALANCE_MANAGER_ROLES: readonly StaffRole[] = ['admin', 'community_secretary'];
