import type { StaffRole } from '../db/schema.ts';

export const RESIDENT_VIAS = ['sms', 'voice', 'kiosk', 'web'] as const;
export type ResidentVia = (typeof RESIDENT_VIAS)[number];

export const CONSENT_KINDS = ['verbal', 'signature', 'thumbprint', 'guardian'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** Who is acting. Every stored record keeps it; a proxied record keeps both resident and proxy. */
export type Actor =
  | { type: 'resident'; via: ResidentVia; residentId?: string }
  | { type: 'proxy'; staffId: string; residentId: string; consent: ConsentKind; visitId: string }
  | { type: 'staff'; staffId: string; roles: StaffRole[] }
  | { type: 'system'; job: string };

/** The resident an action is on behalf of, if any. */
export function actorResidentId(actor: Actor): string | undefined {
  switch (actor.type) {
    case 'resident':
      return actor.residentId;
    case 'proxy':
      return actor.residentId;
    case 'staff':
    case 'system':
      return undefined;
  }
}

/** The staff member behind an action, if any. */
export function actorStaffId(actor: Actor): string | undefined {
  switch (actor.type) {
    case 'proxy':
    case 'staff':
      return actor.staffId;
    case 'resident':
    case 'system':
      return undefined;
  }
}
