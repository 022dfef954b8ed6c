/**
 * Where a responsibility item stands against its deadlines on a given day, in Chinese working days.
 * Pure: the daily supervision job, the console lists, the exports and the KPIs all use these rules.
 */
import type { ResponsibilityStatus } from '../db/schema.ts';
import { addWorkingDays, type IsoDate, workingDaysBetween } from '../topics/working-days.ts';

/** Cross-department items must be answered by every department involved within this many working days. */
export const CROSS_DEPARTMENT_RESPONSE_WORKING_DAYS = 15;
/** An open item whose due day is at most this many working days away is shown as due soon (预警). */
export const DUE_SOON_WORKING_DAYS = 3;

export const ITEM_STATES = [
  'on_track',
  'due_soon',
  'overdue',
  'completed_on_time',
  'completed_late',
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export interface ItemDeadlines {
  dueOn: IsoDate;
  responseDueOn: IsoDate | null;
}

/** The due day and, for a cross-department item, the response day, counted from the day of assignment. */
export function itemDeadlines(
  assignedOn: IsoDate,
  deadlineWorkingDays: number,
  crossDepartment: boolean,
): ItemDeadlines {
  return {
    dueOn: addWorkingDays(assignedOn, deadlineWorkingDays),
    responseDueOn: crossDepartment
      ? addWorkingDays(assignedOn, CROSS_DEPARTMENT_RESPONSE_WORKING_DAYS)
      : null,
  };
}

export interface ItemTiming {
  state: ItemState;
  /** Working days after the due day until today (open) or until completion (done late); else 0. */
  workingDaysLate: number;
  /** Working days from today up to and including the due day (open items on time); else 0. */
  workingDaysLeft: number;
}

/**
 * An open item is overdue from the first calendar day after its due day (even a holiday: the work was
 * due by then); it is due soon when the due day is today or at most DUE_SOON_WORKING_DAYS working days
 * ahead. A completed item was on time when completed on or before its due day.
 */
export function itemTiming(
  item: { status: ResponsibilityStatus; dueOn: IsoDate; completedOn: IsoDate | null },
  today: IsoDate,
): ItemTiming {
  if (item.status === 'completed') {
    const on = item.completedOn ?? today;
    return on <= item.dueOn
      ? { state: 'completed_on_time', workingDaysLate: 0, workingDaysLeft: 0 }
      : { state: 'completed_late', workingDaysLate: workingDaysBetween(item.dueOn, on), workingDaysLeft: 0 };
  }
  if (today > item.dueOn) {
    return { state: 'overdue', workingDaysLate: workingDaysBetween(item.dueOn, today), workingDaysLeft: 0 };
  }
  const left = workingDaysBetween(today, item.dueOn);
  return {
    state: left <= DUE_SOON_WORKING_DAYS ? 'due_soon' : 'on_track',
    workingDaysLate: 0,
    workingDaysLeft: left,
  };
}

/** Every department an item involves: the lead first, then the cooperating ones. */
export function involvedDepartments(item: {
  department: string;
  cooperatingDepartments: readonly string[];
}): string[] {
  return [item.department, ...item.cooperatingDepartments.filter((d) => d !== item.department)];
}

/**
 * Departments of a cross-department item that have not responded although the response day has
 * passed. Empty for single-department items, completed items and before the response day ends.
 */
export function silentDepartments(
  item: {
    status: ResponsibilityStatus;
    department: string;
    cooperatingDepartments: readonly string[];
    responseDueOn: IsoDate | null;
  },
  responded: ReadonlySet<string>,
  today: IsoDate,
): string[] {
  if (item.status === 'completed' || !item.responseDueOn || today <= item.responseDueOn) return [];
  return involvedDepartments(item).filter((d) => !responded.has(d));
}
