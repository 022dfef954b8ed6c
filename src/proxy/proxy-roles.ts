import type { StaffRole } from '../db/schema.ts';

/** Who writes for residents at home visits: grid workers (volunteers and social workers hold the role too). */
export const PROXY_WRITER_ROLES: readonly StaffRole[] = ['grid_worker'];

/** Who watches over proxy writing: confirmation rates, disputes and anomalies per proxy. */
export const PROXY_SUPERVISOR_ROLES: readonly StaffRole[] = ['supervisor'];

/** The console's home page serves both. */
export const PROXY_HOME_ROLES: readonly StaffRole[] = [...PROXY_WRITER_ROLES, ...PROXY_SUPERVISOR_ROLES];
