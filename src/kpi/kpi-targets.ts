/**
 * The work plan's targets, one per figure on the dashboard. Shares are fractions (0.85 = 85%); day
 * counts are Chinese working days. Definitions: docs/adr/0011-kpi-definitions-and-under-heard-rule.md
 * and the `kpi:definitions` texts shown beside each figure.
 */
import type { StaffRole } from '../db/schema.ts';

export const KPI_IDS = [
  'publication_rate',
  'record_completeness',
  'plan_formation_rate',
  'implementation_rate',
  'satisfaction_rate',
  'resident_recommended_share',
  'participation_residents',
  'participation_enterprises',
  'participation_social_orgs',
  'special_group_safeguard',
  'result_publication_on_time',
  'result_publication_median_days',
  'cross_department_response_on_time',
  'first_response_median_days',
] as const;
export type KpiId = (typeof KPI_IDS)[number];

export const KPI_GROUPS = ['process', 'participation', 'response'] as const;
export type KpiGroup = (typeof KPI_GROUPS)[number];

export interface KpiTarget {
  group: KpiGroup;
  unit: 'share' | 'working_days';
  comparison: 'at_least' | 'at_most';
  target: number;
}

export const KPI_TARGETS: Record<KpiId, KpiTarget> = {
  publication_rate: { group: 'process', unit: 'share', comparison: 'at_least', target: 1 },
  record_completeness: { group: 'process', unit: 'share', comparison: 'at_least', target: 0.95 },
  plan_formation_rate: { group: 'process', unit: 'share', comparison: 'at_least', target: 1 },
  implementation_rate: { group: 'process', unit: 'share', comparison: 'at_least', target: 0.85 },
  satisfaction_rate: { group: 'process', unit: 'share', comparison: 'at_least', target: 0.85 },
  resident_recommended_share: { group: 'process', unit: 'share', comparison: 'at_least', target: 0.6 },
  participation_residents: { group: 'participation', unit: 'share', comparison: 'at_least', target: 0.6 },
  participation_enterprises: { group: 'participation', unit: 'share', comparison: 'at_least', target: 0.2 },
  participation_social_orgs: { group: 'participation', unit: 'share', comparison: 'at_least', target: 0.15 },
  special_group_safeguard: { group: 'participation', unit: 'share', comparison: 'at_least', target: 1 },
  result_publication_on_time: { group: 'response', unit: 'share', comparison: 'at_least', target: 1 },
  result_publication_median_days: {
    group: 'response',
    unit: 'working_days',
    comparison: 'at_most',
    target: 7,
  },
  cross_department_response_on_time: { group: 'response', unit: 'share', comparison: 'at_least', target: 1 },
  first_response_median_days: { group: 'response', unit: 'working_days', comparison: 'at_most', target: 15 },
};

/** Special groups whose participation the plan safeguards (100%). */
export const SAFEGUARDED_GROUPS = ['elderly', 'disabled'] as const;

/** Who may see the dashboard in the console (the same figures are open data without names). */
export const KPI_VIEWER_ROLES: readonly StaffRole[] = [
  'admin',
  'community_secretary',
  'supervisor',
  'department_liaison',
];
