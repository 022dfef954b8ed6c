/**
 * The demo street's topics, one or two at each stage of the process, with dates worked out from the
 * current time so that every date obeys the working-day rules and lies in the past.
 */
import type { LocalizedText, TopicSource, TopicStatus } from '../db/schema.ts';
import {
  addWorkingDays,
  type IsoDate,
  isWorkingDay,
  localDate,
  nextWorkingDay,
} from '../topics/working-days.ts';

/** How a topic's history unfolded, in working days. */
export type DemoTopicPlan =
  | { stage: 'collecting'; createdBack: number }
  | { stage: 'screening'; createdBack: number; screenedBack: number }
  | { stage: 'rejected'; createdBack: number; screenedBack: number; rejectedBack: number; reason: string }
  | {
      stage: 'pipeline';
      status: Exclude<TopicStatus, 'collecting' | 'screening' | 'rejected'>;
      /** Working days before today that the topic was published. */
      publishedBack: number;
      /** Working days after the earliest allowed day that the meeting took place. */
      deliberationDelay: number;
      /** Working days from the meeting to the published result (the rule allows 7). */
      resultAfter: number;
      implementingAfter: number;
      evaluatingAfter: number;
      closedAfter: number;
    };

export interface DemoTopicSpec {
  key: string;
  communityCode: string;
  source: TopicSource;
  title: LocalizedText;
  summary: LocalizedText;
  plan: DemoTopicPlan;
}

const pipeline = (
  status: Extract<DemoTopicPlan, { stage: 'pipeline' }>['status'],
  publishedBack: number,
  steps: Partial<
    Omit<Extract<DemoTopicPlan, { stage: 'pipeline' }>, 'stage' | 'status' | 'publishedBack'>
  > = {},
): DemoTopicPlan => ({
  stage: 'pipeline',
  status,
  publishedBack,
  deliberationDelay: steps.deliberationDelay ?? 0,
  resultAfter: steps.resultAfter ?? 5,
  implementingAfter: steps.implementingAfter ?? 2,
  evaluatingAfter: steps.evaluatingAfter ?? 40,
  closedAfter: steps.closedAfter ?? 15,
});

export const DEMO_TOPICS: DemoTopicSpec[] = [
  {
    key: 'lift-block-3',
    communityCode: 'changan-xingfuli',
    source: 'resident_recommendation',
    title: {
      'zh-CN': '幸福里3号楼加装电梯',
      'zh-HK': '幸福里3號樓加裝升降機',
      en: 'Adding a lift to Block 3, Xingfuli',
    },
    summary: {
      'zh-CN':
        '3号楼为1992年建成的六层住宅，六成住户年过六旬，拟加装电梯，需商定费用分摊及对低层住户的补偿。',
      'zh-HK':
        '3號樓為1992年落成的六層住宅，六成住戶年逾六十，擬加裝升降機，需商定費用分攤及對低層住戶的補償。',
      en: 'Block 3 is a six-storey building from 1992 where most households are over sixty; residents must agree how to share the cost and compensate low-floor households.',
    },
    plan: pipeline('deliberating', 11, { deliberationDelay: 1 }),
  },
  {
    key: 'night-parking',
    communityCode: 'changan-heping',
    source: 'online',
    title: {
      'zh-CN': '和平新村夜间停车难',
      'zh-HK': '和平新村夜間泊車難',
      en: 'Night-time parking in Heping New Village',
    },
    summary: {
      'zh-CN': '和平新村车位约300个、登记车辆逾500辆，夜间占用消防通道频发，拟议错时共享周边单位车位。',
      'zh-HK': '和平新村車位約300個、登記車輛逾500輛，夜間佔用消防通道情況頻繁，擬議錯時共用周邊單位車位。',
      en: 'About 300 spaces for over 500 registered cars, so fire lanes are blocked at night; the proposal is to share nearby employers’ car parks outside office hours.',
    },
    plan: pipeline('published', 3),
  },
  {
    key: 'ebike-charging',
    communityCode: 'changan-xingfuli',
    source: 'resident_recommendation',
    title: {
      'zh-CN': '电动自行车集中充电棚',
      'zh-HK': '電動單車集中充電棚',
      en: 'A covered charging shed for e-bikes',
    },
    summary: {
      'zh-CN': '楼道内私拉电线给电动车充电存在火灾隐患，建议在5号楼旁空地建设带自动断电的集中充电棚。',
      'zh-HK': '樓梯間私拉電線為電動單車充電存在火警隱患，建議在5號樓旁空地興建設有自動斷電的集中充電棚。',
      en: 'Charging e-bikes from cables run into stairwells is a fire risk; residents propose a shed with automatic cut-off next to Block 5.',
    },
    plan: pipeline('published', 5),
  },
  {
    key: 'elderly-canteen',
    communityCode: 'changan-heping',
    source: 'grid_visit',
    title: { 'zh-CN': '和平社区老年食堂', 'zh-HK': '和平社區長者飯堂', en: 'An elderly canteen for Heping' },
    summary: {
      'zh-CN':
        '网格员入户走访发现独居老人就餐困难，拟在社区服务中心一楼开设老年食堂，并由老年居民共同确定菜单与价格。',
      'zh-HK':
        '網格員家訪發現獨居長者用膳困難，擬於社區服務中心地下開設長者飯堂，並由長者居民共同訂定餐單及價錢。',
      en: 'Grid workers found that older people living alone struggle to get meals; a canteen on the ground floor of the community centre, with menu and prices set together with older residents.',
    },
    plan: pipeline('implementing', 40, { deliberationDelay: 1, resultAfter: 4, implementingAfter: 3 }),
  },
  {
    key: 'drinking-water',
    communityCode: 'changan-heping',
    source: 'deputy_proposal',
    title: {
      'zh-CN': '纺织厂宿舍二次供水改造',
      'zh-HK': '紡織廠宿舍二次供水改造',
      en: 'Rooftop water tanks at the textile mill housing',
    },
    summary: {
      'zh-CN': '区人大代表提案：宿舍楼顶水箱多年未清洗，自来水常有异味，建议更换水箱并定期公布水质检测结果。',
      'zh-HK': '區人大代表提案：宿舍天台水箱多年未清洗，食水經常有異味，建議更換水箱並定期公布水質檢測結果。',
      en: 'A district people’s congress deputy’s proposal: the tanks have not been cleaned for years and tap water smells; replace them and publish regular water-quality tests.',
    },
    plan: pipeline('evaluating', 70, { resultAfter: 6, evaluatingAfter: 45 }),
  },
  {
    key: 'rubbish-sorting',
    communityCode: 'changan-xingfuli',
    source: 'resident_recommendation',
    title: {
      'zh-CN': '垃圾分类投放点调整',
      'zh-HK': '垃圾分類投放點調整',
      en: 'Moving the rubbish-sorting point',
    },
    summary: {
      'zh-CN': '现有投放点紧邻2号楼窗下，气味扰民，居民建议迁至小区北门并设置定时定点投放与洗手池。',
      'zh-HK': '現有投放點緊貼2號樓窗下，氣味滋擾居民，居民建議遷往屋苑北門，並設定時定點投放及洗手盆。',
      en: 'The bins sit under Block 2’s windows and the smell is a nuisance; residents propose moving them to the north gate with set drop-off hours and a hand-washing sink.',
    },
    plan: pipeline('closed', 110, { resultAfter: 3, evaluatingAfter: 60, closedAfter: 15 }),
  },
  {
    key: 'street-lights',
    communityCode: 'changan-heping',
    source: 'resident_recommendation',
    title: {
      'zh-CN': '和平路路灯维修',
      'zh-HK': '和平路路燈維修',
      en: 'Repairing street lights on Heping Road',
    },
    summary: {
      'zh-CN': '和平路东段有11盏路灯损坏，夜间下班的居民和老人出行不便，建议维修并加装人行道照明。',
      'zh-HK': '和平路東段有11支路燈損壞，夜間下班的居民及長者出入不便，建議維修並加裝行人路照明。',
      en: 'Eleven lights are out at the east end of Heping Road, making the walk home unsafe for night-shift workers and older people; repair them and light the pavement.',
    },
    plan: pipeline('result_published', 22),
  },
  {
    key: 'stairwell-clutter',
    communityCode: 'changan-xingfuli',
    source: 'resident_recommendation',
    title: { 'zh-CN': '楼道堆物清理', 'zh-HK': '樓梯間雜物清理', en: 'Clearing clutter from stairwells' },
    summary: {
      'zh-CN': '多栋楼的楼道堆放杂物，阻碍轮椅和担架通行，居民建议组织集中清理并约定长效管理办法。',
      'zh-HK': '多座大樓的樓梯間堆放雜物，阻礙輪椅及擔架通行，居民建議組織集中清理並商定長期管理辦法。',
      en: 'Belongings stored in stairwells block wheelchairs and stretchers; residents propose a joint clear-out and lasting rules.',
    },
    plan: { stage: 'screening', createdBack: 6, screenedBack: 2 },
  },
  {
    key: 'service-centre-ramp',
    communityCode: 'changan-xingfuli',
    source: 'resident_recommendation',
    title: {
      'zh-CN': '社区服务中心无障碍坡道',
      'zh-HK': '社區服務中心無障礙斜道',
      en: 'A ramp at the community service centre',
    },
    summary: {
      'zh-CN': '服务中心入口只有台阶，轮椅使用者和推婴儿车的居民无法进入，建议增设坡道和扶手。',
      'zh-HK': '服務中心入口只有樓梯級，輪椅使用者及推嬰兒車的居民無法進入，建議增設斜道及扶手。',
      en: 'The entrance has only steps, so wheelchair users and parents with prams cannot get in; add a ramp and handrails.',
    },
    plan: { stage: 'collecting', createdBack: 2 },
  },
  {
    key: 'paid-games-room',
    communityCode: 'changan-heping',
    source: 'online',
    title: {
      'zh-CN': '在社区广场开设收费棋牌室',
      'zh-HK': '在社區廣場開設收費棋牌室',
      en: 'A paid games room on the community square',
    },
    summary: {
      'zh-CN': '有居民提议在社区广场搭建收费棋牌室，供老年人休闲娱乐。',
      'zh-HK': '有居民提議在社區廣場搭建收費棋牌室，供長者消閒娛樂。',
      en: 'A resident proposed building a paid card-and-chess room on the square for older people to pass the time.',
    },
    plan: {
      stage: 'rejected',
      createdBack: 15,
      screenedBack: 12,
      rejectedBack: 10,
      reason: '属经营性项目，且占用公共广场，不列入社区议事议题；已转街道市场监管所答复提议人。',
    },
  },
];

export interface DemoTransition {
  from: TopicStatus;
  to: TopicStatus;
  at: Date;
  note: string | null;
}

/** The dated history of one topic, ready to store. */
export interface DemoTopicDates {
  status: TopicStatus;
  createdAt: Date;
  screenedAt: Date | null;
  publishedAt: Date | null;
  publicationEndsOn: IsoDate | null;
  deliberationEarliestOn: IsoDate | null;
  deliberatedAt: Date | null;
  resultDueOn: IsoDate | null;
  resultPublishedAt: Date | null;
  implementingAt: Date | null;
  evaluatingAt: Date | null;
  closedAt: Date | null;
  rejectedAt: Date | null;
  rejectReason: string | null;
  transitions: DemoTransition[];
}

function previousDay(date: IsoDate): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The n-th working day strictly before `from`. */
export function subtractWorkingDays(from: IsoDate, n: number): IsoDate {
  let date = from;
  let counted = 0;
  while (counted < n) {
    date = previousDay(date);
    if (isWorkingDay(date)) counted += 1;
  }
  return date;
}

function offsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a wall-clock time occurs on a calendar date in a time zone. */
export function atLocalTime(date: IsoDate, time: string, timeZone: string): Date {
  const wall = new Date(`${date}T${time}:00Z`).getTime();
  // Twice, so a date on which the offset changes still lands on the intended wall time.
  const first = wall - offsetMs(new Date(wall), timeZone);
  return new Date(wall - offsetMs(new Date(first), timeZone));
}

/**
 * Works out a demo topic's dates relative to `now`: publication lasts 7 working days, deliberation no
 * earlier than the next working day, the result within 7 working days of the meeting, and everything
 * that has happened lies before today.
 */
export function scheduleDemoTopic(plan: DemoTopicPlan, now: Date, timeZone: string): DemoTopicDates {
  const today = localDate(now, timeZone);
  const back = (n: number) => subtractWorkingDays(today, n);
  const at = (date: IsoDate, time: string) => atLocalTime(date, time, timeZone);
  const dates: DemoTopicDates = {
    status: 'collecting',
    createdAt: now,
    screenedAt: null,
    publishedAt: null,
    publicationEndsOn: null,
    deliberationEarliestOn: null,
    deliberatedAt: null,
    resultDueOn: null,
    resultPublishedAt: null,
    implementingAt: null,
    evaluatingAt: null,
    closedAt: null,
    rejectedAt: null,
    rejectReason: null,
    transitions: [],
  };
  const step = (to: TopicStatus, when: Date, note: string | null = null) => {
    dates.transitions.push({ from: dates.status, to, at: when, note });
    dates.status = to;
  };

  switch (plan.stage) {
    case 'collecting':
      dates.createdAt = at(back(plan.createdBack), '10:15');
      break;
    case 'screening':
      dates.createdAt = at(back(plan.createdBack), '10:15');
      dates.screenedAt = at(back(plan.screenedBack), '15:30');
      step('screening', dates.screenedAt);
      break;
    case 'rejected':
      dates.createdAt = at(back(plan.createdBack), '10:15');
      dates.screenedAt = at(back(plan.screenedBack), '15:30');
      step('screening', dates.screenedAt);
      dates.rejectedAt = at(back(plan.rejectedBack), '11:00');
      dates.rejectReason = plan.reason;
      step('rejected', dates.rejectedAt, plan.reason);
      break;
    case 'pipeline': {
      const published = back(plan.publishedBack);
      const screened = subtractWorkingDays(published, 3);
      dates.createdAt = at(subtractWorkingDays(screened, 6), '10:15');
      dates.screenedAt = at(screened, '15:30');
      step('screening', dates.screenedAt);
      dates.publishedAt = at(published, '09:00');
      dates.publicationEndsOn = addWorkingDays(published, 7);
      dates.deliberationEarliestOn = nextWorkingDay(dates.publicationEndsOn);
      step('published', dates.publishedAt);
      if (plan.status === 'published') break;

      const deliberated = addWorkingDays(dates.deliberationEarliestOn, plan.deliberationDelay);
      // Evening meetings, so that people at work can attend.
      dates.deliberatedAt = at(deliberated, '19:00');
      dates.resultDueOn = addWorkingDays(deliberated, 7);
      step('deliberating', dates.deliberatedAt);
      if (plan.status === 'deliberating') break;

      const resultDay = addWorkingDays(deliberated, Math.min(plan.resultAfter, 7));
      dates.resultPublishedAt = at(resultDay, '10:00');
      step('result_published', dates.resultPublishedAt);
      if (plan.status === 'result_published') break;

      const implementingDay = addWorkingDays(resultDay, plan.implementingAfter);
      dates.implementingAt = at(implementingDay, '09:30');
      step('implementing', dates.implementingAt);
      if (plan.status === 'implementing') break;

      const evaluatingDay = addWorkingDays(implementingDay, plan.evaluatingAfter);
      dates.evaluatingAt = at(evaluatingDay, '09:00');
      step('evaluating', dates.evaluatingAt);
      if (plan.status === 'evaluating') break;

      dates.closedAt = at(addWorkingDays(evaluatingDay, plan.closedAfter), '16:00');
      step('closed', dates.closedAt);
      break;
    }
  }

  const startOfToday = atLocalTime(today, '00:00', timeZone);
  for (const t of [dates.createdAt, ...dates.transitions.map((tr) => tr.at)]) {
    if (t >= startOfToday) throw new Error(`demo topic plan reaches today or later (${t.toISOString()})`);
  }
  return dates;
}
