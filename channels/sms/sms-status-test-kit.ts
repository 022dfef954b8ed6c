/**
 * Helpers for tests of the SMS status callback: deliveries written straight into the database, and
 * the form Twilio posts to a message's StatusCallback, signed as Twilio signs it. Test-only.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { AppDeps } from '../../src/app-deps.ts';
import { type DeliveryStatus, deliveries, residentOptOuts, residents } from '../../src/db/schema.ts';
import { DELIVERY_ID_PARAM, SMS_STATUS_PATH } from './twilio-sms-sender.ts';
import {
  newMessageSid,
  postSignedWebhook,
  type RequestTarget,
  TEST_TWILIO_ACCOUNT_SID,
} from './twilio-test-kit.ts';

let phoneCounter = 0;

export interface SmsDeliveryFixture {
  residentId: string;
  deliveryId: string;
  providerId: string;
  phone: string;
}

/** A resident with a phone number and one SMS delivery to them in `status`, as the worker leaves it. */
export async function createSmsDelivery(
  deps: Pick<AppDeps, 'database' | 'pii'>,
  options: { status?: DeliveryStatus; providerId?: string } = {},
): Promise<SmsDeliveryFixture> {
  phoneCounter += 1;
  const phone = `+86139${String(10_000_000 + phoneCounter * 7919).slice(-8)}`;
  const db = deps.database.db;
  const [resident] = await db
    .insert(residents)
    .values({ phoneCipher: deps.pii.encryptPhone(phone), phoneHash: deps.pii.phoneHash(phone) })
    .returning({ id: residents.id });
  if (!resident) throw new Error('resident not inserted');
  const providerId = options.providerId ?? newMessageSid();
  const status = options.status ?? 'sent';
  const [delivery] = await db
    .insert(deliveries)
    .values({
      channel: 'sms',
      residentId: resident.id,
      locale: 'zh-CN',
      body: '【东湖社区议事堂】请为T23的落实情况打分：1很满意 2满意 3基本满意 4不满意 5很不满意',
      status,
      purpose: `test:${randomUUID()}`,
      providerId: status === 'queued' ? null : providerId,
    })
    .returning({ id: deliveries.id });
  if (!delivery) throw new Error('delivery not inserted');
  return { residentId: resident.id, deliveryId: delivery.id, providerId, phone };
}

export async function deliveryRow(deps: Pick<AppDeps, 'database'>, deliveryId: string) {
  const [row] = await deps.database.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
  if (!row) throw new Error(`no delivery ${deliveryId}`);
  return row;
}

export async function smsOptOutRow(deps: Pick<AppDeps, 'database'>, residentId: string) {
  const [row] = await deps.database.db
    .select()
    .from(residentOptOuts)
    .where(eq(residentOptOuts.residentId, residentId));
  return row;
}

/** The form Twilio posts to a StatusCallback. */
export function statusCallbackParams(input: {
  fixture: Pick<SmsDeliveryFixture, 'providerId' | 'phone'>;
  status: string;
  errorCode?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    ApiVersion: '2010-04-01',
    MessageStatus: input.status,
    SmsStatus: input.status,
    SmsSid: input.fixture.providerId,
    MessageSid: input.fixture.providerId,
    AccountSid: TEST_TWILIO_ACCOUNT_SID,
    From: '+8610690000123',
    To: input.fixture.phone,
    ...(input.errorCode ? { ErrorCode: input.errorCode } : {}),
    ...input.extra,
  };
}

/** The path and query of a delivery's StatusCallback, as the sender builds it. */
export function statusCallbackPath(deliveryId: string | undefined): string {
  return deliveryId ? `${SMS_STATUS_PATH}?${DELIVERY_ID_PARAM}=${deliveryId}` : SMS_STATUS_PATH;
}

/** Posts a correctly signed status callback for `fixture`. */
export function postStatus(
  app: RequestTarget,
  fixture: SmsDeliveryFixture,
  status: string,
  options: { errorCode?: string; deliveryId?: string | null } = {},
): Promise<Response> {
  const deliveryId = options.deliveryId === null ? undefined : (options.deliveryId ?? fixture.deliveryId);
  return postSignedWebhook(app, {
    path: statusCallbackPath(deliveryId),
    params: statusCallbackParams({ fixture, status, errorCode: options.errorCode }),
  });
}
