import { randomUUID } from 'node:crypto';

/**
 * A fresh request id: 32 hex digits. The dashed UUID form is avoided because the logger masks digit
 * runs that look like phone numbers, and a dashed UUID often contains one ("…-4333-9838-…"), which
 * would make the logged id differ from the one returned in X-Request-Id.
 */
export function newRequestId(): string {
  return randomUUID().replaceAll('-', '');
}
