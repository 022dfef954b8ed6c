/**
 * Test helpers for outbound calls and the voice survey: an app with Twilio (voice) configured, voice
 * deliveries made the way the outreach engine makes them (a planned campaign, sent through a
 * recording sender), Twilio's call webhooks signed as Twilio signs them, and a reader for the TwiML
 * answers. Test-only.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createApp } from '../../src/app.ts';
import type { Ctx } from '../../src/core/context.ts';
import { type DeliveryStatus, deliveries, type QuestionKind, residents } from '../../src/db/schema.ts';
import { createCampaign } from '../../src/outreach/create-campaign.ts';
import {
  insertResidents,
  insertSurvey,
  insertTopic,
  type RecordingSender,
  type ResidentSpec,
  recordingSender,
  testOutreachEnv,
} from '../../src/outreach/outreach-test-kit.ts';
import { planCampaign } from '../../src/outreach/plan-campaign.ts';
import { sendDelivery } from '../../src/outreach/send-delivery.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import type { TestDatabase } from '../../src/testing/test-database.ts';
import { makeStaff } from '../console/console-test-kit.ts';
import {
  newCallSid,
  postSignedWebhook,
  type RequestTarget,
  TEST_TWILIO_ACCOUNT_SID,
  twilioTestEnv,
} from '../sms/twilio-test-kit.ts';
import {
  ATTEMPT_PARAM,
  DELIVERY_PARAM,
  VOICE_OUTBOUND_PATH,
  VOICE_STATUS_PATH,
} from './twilio-voice-sender.ts';

export const VOICE_FROM = '+8610690000456';

/** 10:00 in Shanghai on a Wednesday: inside everyone's allowed hours. */
export const MORNING = '2030-06-05T02:00:00Z';

export interface VoiceOutboundHarness {
  deps: TestAppDeps;
  app: ReturnType<typeof createApp>;
  /** The queue prefix of this file's app (status callbacks schedule retries under it). */
  prefix: string;
  staffCtx: Ctx;
  /** Stands in for Twilio's Calls API where a test makes deliveries without the real sender. */
  sender: RecordingSender;
  close(): Promise<void>;
}

export async function createVoiceOutboundHarness(
  database: TestDatabase,
  env: Record<string, string> = {},
): Promise<VoiceOutboundHarness> {
  const prefix = `gw-voice-${randomBytes(4).toString('hex')}`;
  const deps = createTestAppDeps(database, {
    env: {
      ...twilioTestEnv(),
      TWILIO_VOICE_FROM: VOICE_FROM,
      QUEUE_PREFIX: prefix,
      HELP_PHONE: '12345',
      ...env,
    },
  });
  deps.clock.set(new Date(MORNING));
  const sender = recordingSender({ ok: true, providerId: 'CA' });
  deps.senders = { voice: sender };
  const staff = await makeStaff(deps, ['community_secretary']);
  const staffCtx: Ctx = {
    actor: { type: 'staff', staffId: staff.id, roles: ['community_secretary'] },
    db: database.db,
    clock: deps.clock,
    log: deps.log,
    pii: deps.pii,
  };
  return {
    deps,
    app: createApp(deps),
    prefix,
    staffCtx,
    sender,
    async close() {
      if (deps.redis.status === 'ready') {
        const keys = await deps.redis.keys(`${prefix}:*`);
        if (keys.length) await deps.redis.del(...keys);
      }
      await deps.close();
    },
  };
}

export interface VoiceDeliveryFixture {
  residentId: string;
  deliveryId: string;
  campaignId: string;
  phone: string;
  topicCode: string;
  surveyId: string | undefined;
  questionIds: string[];
}

/**
 * One resident who cannot read, reached by a campaign call: the campaign is planned (the delivery
 * gets the call's words) and sent through the recording sender (`sent`, attempt 1, the survey's
 * first question pending on the voice channel), exactly as the outbound worker leaves it.
 */
export async function placeCampaignCall(
  h: VoiceOutboundHarness,
  options: {
    kind?: 'survey' | 'notice';
    questions?: QuestionKind[];
    resident?: ResidentSpec;
    topicStatus?: 'published' | 'evaluating' | 'closed';
    /** A notice that only informs (a meeting called) asks for no stance. */
    asksStance?: boolean;
    send?: boolean;
  } = {},
): Promise<VoiceDeliveryFixture> {
  const kind = options.kind ?? 'survey';
  const phone = `+86139${String(10_000_000 + Math.floor(Math.random() * 89_999_999)).slice(-8)}`;
  const [residentId] = await insertResidents(h.staffCtx, [
    { accessibilityNeeds: ['cannot_read'], preferredLocale: 'zh-CN', phone, ...options.resident },
  ]);
  if (!residentId) throw new Error('resident not inserted');
  const topic = await insertTopic(h.deps.database.db, {
    status: options.topicStatus ?? (kind === 'survey' ? 'evaluating' : 'published'),
  });
  const survey =
    kind === 'survey'
      ? await insertSurvey(h.deps.database.db, {
          topicId: topic.id,
          kinds: options.questions ?? ['satisfaction', 'yes_no', 'text'],
        })
      : undefined;
  const env = testOutreachEnv({ senders: h.deps.senders });
  const { campaign } = await createCampaign(
    h.staffCtx,
    {
      kind,
      name: `test ${randomBytes(3).toString('hex')}`,
      topicId: topic.id,
      ...(survey ? { surveyId: survey.survey.id } : {}),
      audience: { residentIds: [residentId] },
      ...(options.asksStance === undefined ? {} : { asksStance: options.asksStance }),
      templates: {
        'zh-CN': kind === 'survey' ? '{{topicCode}}已完工。' : '议题{{topicCode}}正在公示。',
        en: kind === 'survey' ? '{{topicCode}} is done.' : 'Topic {{topicCode}} is on public notice.',
      },
    },
    env,
  );
  await planCampaign(h.staffCtx, { campaign: campaign.code }, env);
  const [delivery] = await h.deps.database.db
    .select()
    .from(deliveries)
    .where(eq(deliveries.campaignId, campaign.id));
  if (!delivery) throw new Error('delivery not planned');
  if (options.send !== false) {
    const outcome = await sendDelivery(
      { ...h.staffCtx, actor: { type: 'system', job: 'test' } },
      { deliveryId: delivery.id },
      { senders: h.deps.senders },
    );
    if (outcome.outcome !== 'sent') throw new Error(`delivery not sent: ${outcome.outcome}`);
  }
  return {
    residentId,
    deliveryId: delivery.id,
    campaignId: campaign.id,
    phone,
    topicCode: topic.code,
    surveyId: survey?.survey.id,
    questionIds: survey?.questions.map((q) => q.id) ?? [],
  };
}

export async function deliveryRow(h: Pick<VoiceOutboundHarness, 'deps'>, deliveryId: string) {
  const [row] = await h.deps.database.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
  if (!row) throw new Error(`no delivery ${deliveryId}`);
  return row;
}

export async function setDeliveryStatus(
  h: Pick<VoiceOutboundHarness, 'deps'>,
  deliveryId: string,
  values: { status?: DeliveryStatus; attempts?: number },
): Promise<void> {
  await h.deps.database.db.update(deliveries).set(values).where(eq(deliveries.id, deliveryId));
}

export async function residentRow(h: Pick<VoiceOutboundHarness, 'deps'>, residentId: string) {
  const [row] = await h.deps.database.db.select().from(residents).where(eq(residents.id, residentId));
  if (!row) throw new Error(`no resident ${residentId}`);
  return row;
}

/** The form fields Twilio posts to a call's webhooks, with `extra` laid over them. */
export function callParams(input: {
  callSid: string;
  to: string;
  status?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    AccountSid: TEST_TWILIO_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: input.callSid,
    CallStatus: input.status ?? 'in-progress',
    Direction: 'outbound-api',
    From: VOICE_FROM,
    To: input.to,
    CalledCountry: 'CN',
    CallerCountry: 'CN',
    ...input.extra,
  };
}

export interface CallReply {
  status: number;
  xml: string;
  twiml: TwimlNode;
}

/** A call in progress, driven the way Twilio drives it: every request signed, the TwiML read back. */
export class ScriptedCall {
  readonly callSid: string;

  constructor(
    private readonly app: RequestTarget,
    private readonly to: string,
    callSid: string = newCallSid(),
    /** Fields of every request (an inbound call: `From` the resident, `Direction` inbound). */
    private readonly fields: Record<string, string> = {},
  ) {
    this.callSid = callSid;
  }

  /** A call the resident makes to the hall's number. */
  static inbound(app: RequestTarget, from: string): ScriptedCall {
    return new ScriptedCall(app, VOICE_FROM, newCallSid(), { From: from, Direction: 'inbound' });
  }

  /** Posts to `pathAndQuery` (relative, or an absolute URL from the TwiML) with `extra` fields. */
  async post(pathAndQuery: string, extra: Record<string, string> = {}): Promise<CallReply> {
    const path = pathAndQuery.startsWith('http') ? pathFromUrl(pathAndQuery) : pathAndQuery;
    const res = await postSignedWebhook(this.app, {
      path,
      params: callParams({ callSid: this.callSid, to: this.to, extra: { ...this.fields, ...extra } }),
    });
    const xml = await res.text();
    return { status: res.status, xml, twiml: res.status === 200 ? parseTwiml(xml) : emptyNode() };
  }

  /** Twilio fetching the answer URL once the call is picked up. */
  answer(deliveryId: string, answeredBy = 'human'): Promise<CallReply> {
    return this.post(`${VOICE_OUTBOUND_PATH}?${DELIVERY_PARAM}=${deliveryId}`, { AnsweredBy: answeredBy });
  }

  /** Follows a `<Redirect>` as Twilio does. */
  follow(reply: CallReply): Promise<CallReply> {
    const target = reply.twiml.find('Redirect')?.text;
    if (!target) throw new Error(`no <Redirect> in ${reply.xml}`);
    return this.post(target);
  }

  /** Answers the open `<Gather>` with keys. */
  press(reply: CallReply, digits: string): Promise<CallReply> {
    return this.post(gatherAction(reply), { Digits: digits });
  }

  /** Answers the open `<Gather>` by speech. */
  speak(reply: CallReply, speech: string, confidence = 0.92): Promise<CallReply> {
    return this.post(gatherAction(reply), { SpeechResult: speech, Confidence: String(confidence) });
  }

  /** Lets the `<Gather>` time out: Twilio posts to its action with nothing heard. */
  silence(reply: CallReply): Promise<CallReply> {
    return this.post(gatherAction(reply));
  }
}

function pathFromUrl(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

function gatherAction(reply: CallReply): string {
  const action = reply.twiml.find('Gather')?.attrs.action;
  if (!action) throw new Error(`no <Gather action> in ${reply.xml}`);
  return action;
}

/** Posts a signed status callback for one attempt of a delivery's call. */
export function postCallStatus(
  app: RequestTarget,
  input: {
    deliveryId: string;
    attempt: number;
    callSid: string;
    to: string;
    status: string;
    extra?: Record<string, string>;
  },
): Promise<Response> {
  return postSignedWebhook(app, {
    path: `${VOICE_STATUS_PATH}?${DELIVERY_PARAM}=${input.deliveryId}&${ATTEMPT_PARAM}=${input.attempt}`,
    params: callParams({
      callSid: input.callSid,
      to: input.to,
      status: input.status,
      extra: { CallbackSource: 'call-progress-events', SequenceNumber: '0', ...input.extra },
    }),
  });
}

// ------------------------------------------------------------------ reading TwiML

export interface TwimlNode {
  name: string;
  attrs: Record<string, string>;
  children: TwimlNode[];
  /** The text inside, unescaped, of this node and all below it. */
  text: string;
  /** The first node named `name` at or below this one, depth first. */
  find(name: string): TwimlNode | undefined;
  /** Every node named `name` at or below this one, in document order. */
  findAll(name: string): TwimlNode[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e] ?? '');

function node(name: string, attrs: Record<string, string>): TwimlNode {
  const self: TwimlNode = {
    name,
    attrs,
    children: [],
    text: '',
    find(n) {
      return this.findAll(n)[0];
    },
    findAll(n) {
      const out: TwimlNode[] = [];
      const walk = (x: TwimlNode) => {
        if (x.name === n) out.push(x);
        for (const c of x.children) walk(c);
      };
      walk(self);
      return out;
    },
  };
  return self;
}

function emptyNode(): TwimlNode {
  return node('#empty', {});
}

/** Parses the (SDK-built, well-formed) TwiML of a reply. */
export function parseTwiml(xml: string): TwimlNode {
  const root = node('#document', {});
  const stack: TwimlNode[] = [root];
  const token = /<\?[^>]*\?>|<(\/?)([A-Za-z:]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (const m of xml.matchAll(token)) {
    const [, closing, name, rawAttrs, selfClosing, text] = m;
    const top = stack[stack.length - 1] as TwimlNode;
    if (text !== undefined) {
      const value = unescapeXml(text);
      for (const open of stack) open.text += value;
      continue;
    }
    if (!name) continue;
    if (closing) {
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (rawAttrs ?? '').matchAll(/([\w:-]+)="([^"]*)"/g))
      attrs[a[1] as string] = unescapeXml(a[2] ?? '');
    const child = node(name, attrs);
    top.children.push(child);
    if (!selfClosing) stack.push(child);
  }
  return root;
}

/** Everything the caller hears, `<Say>` by `<Say>`. */
export function spoken(reply: CallReply): string[] {
  return reply.twiml.findAll('Say').map((s) => s.text.trim());
}
