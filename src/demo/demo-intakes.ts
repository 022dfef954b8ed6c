/**
 * What the demo street's residents have said so far: opinions by SMS and at a kiosk on the topics open
 * for opinions, and a few demands. Built as channel inputs so they go through the same `ingest` as
 * real ones.
 */
import type { Locale, Stance } from '../db/schema.ts';
import type { IntakeInput } from '../pipeline/intake.ts';
import type { DemoResident } from './demo-residents.ts';

/** Keys of the demo topics that take opinions (see DEMO_TOPICS). */
export type OpinionTopicKey = 'lift-block-3' | 'night-parking' | 'ebike-charging';

interface ResidentSms {
  via: 'sms';
  /** Where the sender lives, to pick a plausible resident. */
  communityCode: string;
  gridCode?: string;
  language: Locale;
  elderly?: boolean;
}

interface Anonymous {
  via: 'kiosk' | 'web';
  language: Locale;
}

interface OpinionSpec {
  kind: 'opinion';
  topic: OpinionTopicKey;
  from: ResidentSms | Anonymous;
  /** Residents write the code in an SMS; a kiosk sends it as a field with the stance chosen on screen. */
  text: string | null;
  stance?: Stance;
}

interface DemandSpec {
  kind: 'demand';
  from: ResidentSms | Anonymous;
  text: string;
  location?: string;
}

type DemoIntakeSpec = OpinionSpec | DemandSpec;

const XFL = 'changan-xingfuli';
const HP = 'changan-heping';
const block3: ResidentSms = {
  via: 'sms',
  communityCode: XFL,
  gridCode: 'changan-xingfuli-g1',
  language: 'zh-CN',
};
const block3Elder: ResidentSms = { ...block3, elderly: true };
const heping: ResidentSms = {
  via: 'sms',
  communityCode: HP,
  gridCode: 'changan-heping-g1',
  language: 'zh-CN',
};
const xingfuli: ResidentSms = { via: 'sms', communityCode: XFL, language: 'zh-CN' };
const kiosk: Anonymous = { via: 'kiosk', language: 'zh-CN' };

const lift = (from: ResidentSms | Anonymous, text: string | null, stance?: Stance): OpinionSpec => ({
  kind: 'opinion',
  topic: 'lift-block-3',
  from,
  text,
  ...(stance ? { stance } : {}),
});
const parking = (from: ResidentSms | Anonymous, text: string | null, stance?: Stance): OpinionSpec => ({
  kind: 'opinion',
  topic: 'night-parking',
  from,
  text,
  ...(stance ? { stance } : {}),
});
const ebike = (from: ResidentSms | Anonymous, text: string | null, stance?: Stance): OpinionSpec => ({
  kind: 'opinion',
  topic: 'ebike-charging',
  from,
  text,
  ...(stance ? { stance } : {}),
});

export const DEMO_INTAKES: DemoIntakeSpec[] = [
  lift(block3Elder, '支持加装电梯，我住六楼，膝盖不好，每天上下楼太难了'),
  lift(block3Elder, '支持！老伴坐轮椅，一年没下过楼'),
  lift(block3, '支持加装，费用按楼层分摊我同意'),
  lift(block3Elder, '同意加装电梯，希望施工期间保证出入安全'),
  lift(block3, '赞成，越早越好'),
  lift(block3, '反对，我家一楼，电梯挡住采光，还有噪音'),
  lift(block3Elder, '不同意，一楼二楼用不上电梯，不应出钱'),
  lift(block3, '反对目前方案，井道离我家窗户太近'),
  lift(block3, '建议一楼住户免出资，并给予采光补偿'),
  lift(block3, '希望电梯选无障碍型号，轿厢能放下担架'),
  lift(block3Elder, '能否申请政府加装电梯补贴？请社区帮忙算一下每户出多少钱'),
  lift({ ...block3, language: 'zh-HK' }, '支持加裝升降機，我住五樓，行樓梯好辛苦'),
  lift({ ...block3, language: 'zh-HK' }, '建議低層住戶唔使出錢，另外要注意施工噪音'),
  lift(
    { ...xingfuli, language: 'en' },
    'I support the lift. My mother lives on the sixth floor and can no longer manage the stairs.',
  ),

  parking(heping, '支持错时共享车位，晚上回来根本找不到位置'),
  parking(heping, '同意，消防通道被堵太危险了'),
  parking(heping, '支持，建议按月收费，价格公开'),
  parking({ ...heping, elderly: true }, '反对外来车辆进小区，影响老人孩子安全'),
  parking(heping, '建议把小区东侧绿化带改成临时车位'),
  parking({ ...heping, elderly: true }, '建议夜间安排保安巡查消防通道'),
  parking(heping, '希望给残疾人预留无障碍车位'),
  parking(heping, '支持共享，但早上七点半前必须开走，不然影响对方单位'),
  parking({ via: 'sms', communityCode: HP, language: 'zh-HK' }, '支持錯時共用車位，晚上真係搵唔到位'),
  parking(
    { via: 'sms', communityCode: HP, language: 'en' },
    'Agree with sharing the office car parks at night, but please keep the fire lane clear.',
  ),

  ebike(xingfuli, '支持建充电棚，楼道里充电太吓人了'),
  ebike(xingfuli, '同意，去年隔壁小区就着过火'),
  ebike(xingfuli, '建议充电按度收费，别太贵'),
  ebike({ ...xingfuli, gridCode: 'changan-xingfuli-g2' }, '反对建在5号楼旁边，离我家窗户太近'),
  ebike(xingfuli, '支持，希望加装监控和灭火器'),
  ebike({ ...xingfuli, elderly: true }, '建议棚子旁边留出老年代步车的位置'),
  ebike({ ...xingfuli, language: 'zh-HK' }, '支持興建充電棚，記得加裝滅火筒'),

  lift(kiosk, '电梯早点装上吧', 'support'),
  lift(kiosk, '一楼住户的意见也要听', 'oppose'),
  parking(kiosk, '停车场入口晚上太暗，加个灯', 'suggestion'),
  ebike(kiosk, null, 'support'),

  {
    kind: 'demand',
    from: { ...heping, gridCode: 'changan-heping-g3' },
    text: '和平路东段人行道地砖松动，老人容易绊倒',
  },
  {
    kind: 'demand',
    from: { ...heping, gridCode: 'changan-heping-g2', elderly: true },
    text: '纺织厂宿舍楼顶漏水，下雨天家里墙面发霉',
  },
  { kind: 'demand', from: { ...xingfuli, elderly: true }, text: '小区门口的公交站没有座椅，老人等车很累' },
  {
    kind: 'demand',
    from: { via: 'sms', communityCode: XFL, language: 'zh-HK' },
    text: '社區中心可唔可以開粵語長者班',
  },
  { kind: 'demand', from: kiosk, text: '菜市场门口早上摊贩占道，轮椅过不去', location: '和平路菜市场' },
  {
    kind: 'demand',
    from: { via: 'web', language: 'zh-CN' },
    text: '希望社区组织周末的防诈骗讲座，老人常接到诈骗电话',
  },
];

/** Picks senders from the demo residents: each speaks once, in their own language, from where they live. */
class SenderPicker {
  readonly #used = new Set<number>();
  constructor(private readonly residents: DemoResident[]) {}

  pick(from: ResidentSms): DemoResident {
    const candidates = (strict: boolean) =>
      this.residents.findIndex(
        (r, i) =>
          !this.#used.has(i) &&
          r.phone !== null &&
          r.optOuts.length === 0 &&
          r.preferredLocale === from.language &&
          r.communityCode === from.communityCode &&
          (!strict || !from.gridCode || r.gridCode === from.gridCode) &&
          (!strict || from.elderly === undefined || r.groups.includes('elderly') === from.elderly),
      );
    let index = candidates(true);
    if (index < 0) index = candidates(false);
    if (index < 0) throw new Error(`no demo resident can send ${JSON.stringify(from)}`);
    this.#used.add(index);
    return this.residents[index] as DemoResident;
  }
}

export interface DemoTopicRef {
  code: string;
  publishedAt: Date;
}

/**
 * The demo intakes as channel inputs, with `receivedAt` spread between each topic's publication and
 * `now`. `topics` gives the stored code and publication time of each topic that takes opinions.
 */
export function buildDemoIntakes(
  residents: DemoResident[],
  topics: Record<OpinionTopicKey, DemoTopicRef>,
  now: Date,
): IntakeInput[] {
  const picker = new SenderPicker(residents);
  const total = DEMO_INTAKES.length;
  return DEMO_INTAKES.map((spec, i): IntakeInput => {
    const seq = String(i + 1).padStart(3, '0');
    const since =
      spec.kind === 'opinion' ? topics[spec.topic].publishedAt : new Date(now.getTime() - 20 * 86_400_000);
    // Evenly through the period, on the minute, never later than now.
    const at = since.getTime() + ((now.getTime() - since.getTime()) * (i + 1)) / (total + 1);
    const receivedAt = new Date(Math.floor(at / 60_000) * 60_000);
    const base = { externalId: `demo-${spec.from.via}-${seq}`, language: spec.from.language, receivedAt };

    if (spec.from.via === 'sms') {
      const sender = picker.pick(spec.from);
      const body =
        spec.kind === 'opinion' ? `${topics[spec.topic].code} ${spec.text ?? ''}`.trim() : spec.text;
      return {
        ...base,
        channel: 'sms',
        actor: { type: 'resident', via: 'sms' },
        declaredKind: 'text',
        phone: sender.phone as string,
        text: body,
      };
    }
    const actor = { type: 'resident', via: spec.from.via } as const;
    if (spec.kind === 'opinion') {
      return {
        ...base,
        channel: spec.from.via,
        actor,
        declaredKind: 'opinion',
        topicRef: topics[spec.topic].code,
        ...(spec.stance ? { stance: spec.stance } : {}),
        ...(spec.text ? { text: spec.text } : {}),
      };
    }
    return {
      ...base,
      channel: spec.from.via,
      actor,
      declaredKind: 'demand',
      text: spec.text,
      ...(spec.location ? { location: spec.location } : {}),
    };
  });
}
