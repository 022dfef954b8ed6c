/**
 * The demo street's residents, generated deterministically: the same seed gives the same people, the
 * same phone numbers and the same preferences on every run.
 */
import type {
  AccessibilityNeed,
  ContactChannel,
  Locale,
  OptOutChannel,
  ResidentGroup,
} from '../db/schema.ts';
import { normalisePhone } from '../residents/normalise-phone.ts';
import { DEMO_COMMUNITIES } from './demo-places.ts';
import { createSeededRandom, type SeededRandom } from './seeded-random.ts';

export const DEMO_RESIDENT_COUNT = 200;
const SEED = 0x5eed_1a2b;

/** Mainland mobile prefixes of the three operators. */
const MOBILE_PREFIXES = [
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '147',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '178',
  '182',
  '183',
  '187',
  '188',
  '130',
  '131',
  '132',
  '155',
  '156',
  '166',
  '175',
  '176',
  '185',
  '186',
  '133',
  '153',
  '173',
  '177',
  '180',
  '181',
  '189',
  '199',
] as const;

const SURNAMES_CN = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '罗',
  '高',
];
const GIVEN_ELDER_CN = [
  '桂英',
  '秀兰',
  '建国',
  '国强',
  '淑珍',
  '玉兰',
  '德明',
  '凤英',
  '志刚',
  '长海',
  '素芬',
  '宝华',
];
const GIVEN_CN = [
  '伟',
  '芳',
  '敏',
  '静',
  '磊',
  '洋',
  '婷',
  '晓东',
  '海燕',
  '志明',
  '丽华',
  '春梅',
  '子涵',
  '浩然',
];
const SURNAMES_HK = ['陳', '黃', '李', '張', '梁', '林', '何', '吳', '劉', '鄭'];
const GIVEN_HK = ['嘉欣', '志強', '淑儀', '家豪', '美玲', '偉文', '詠詩', '國華', '麗珍', '子軒'];
const NAMES_EN = ['Daniel Okafor', 'Sophie Martin', 'James Miller', 'Ana Souza', 'Kenji Sato', 'Emma Novak'];

export interface DemoOptOut {
  channel: OptOutChannel;
  reason: string;
  /** Days before the load when the resident opted out. */
  daysAgo: number;
}

export interface DemoResident {
  gridCode: string;
  communityCode: string;
  name: string | null;
  /** E.164; null for the few residents reached only by home visits. */
  phone: string | null;
  groups: ResidentGroup[];
  accessibilityNeeds: AccessibilityNeed[];
  preferredLocale: Locale;
  preferredChannel: ContactChannel;
  quietStartMinute: number;
  quietEndMinute: number;
  slowSpeech: boolean;
  optOuts: DemoOptOut[];
}

const DEFAULT_QUIET: [number, number] = [21 * 60, 8 * 60];

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The first `count` of a shuffled list that satisfy `accept`. */
function take(rng: SeededRandom, count: number, accept: (i: number) => boolean): Set<number> {
  return new Set(rng.shuffle(range(DEMO_RESIDENT_COUNT)).filter(accept).slice(0, count));
}

function phoneNumbers(rng: SeededRandom, count: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const national = rng.pick(MOBILE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
    const e164 = normalisePhone(national);
    if (!e164 || seen.has(e164)) continue;
    seen.add(e164);
    out.push(e164);
  }
  return out;
}

let cached: DemoResident[] | undefined;

/** The demo residents, always the same list. */
export function buildDemoResidents(): DemoResident[] {
  cached ??= generate();
  return cached.map((r) => ({ ...r, groups: [...r.groups], accessibilityNeeds: [...r.accessibilityNeeds] }));
}

/** Every demo phone number in E.164, regenerated from the seed (for checks that none leaks in plaintext). */
export function demoPhoneNumbers(): string[] {
  return buildDemoResidents().flatMap((r) => (r.phone ? [r.phone] : []));
}

function generate(): DemoResident[] {
  const rng = createSeededRandom(SEED);
  const grids = DEMO_COMMUNITIES.flatMap((c) =>
    c.grids.map((g) => ({ gridCode: g.code, communityCode: c.code })),
  );

  // Quotas rather than coin flips, so every group is present in the proportions the demo is meant to show.
  const elderly = take(rng, 70, () => true);
  const disabled = take(rng, 12, () => true);
  const migrant = take(rng, 20, (i) => !elderly.has(i));
  const enterprise = take(rng, 5, (i) => !elderly.has(i) && !migrant.has(i));
  const socialOrg = take(rng, 10, (i) => !migrant.has(i) && !enterprise.has(i));
  const professional = take(rng, 8, (i) => !elderly.has(i) && !migrant.has(i) && !enterprise.has(i));
  const deputy = take(rng, 2, (i) => !elderly.has(i) && !migrant.has(i) && !disabled.has(i));

  const needs = new Map<number, AccessibilityNeed[]>();
  const addNeed = (i: number, need: AccessibilityNeed) => needs.set(i, [...(needs.get(i) ?? []), need]);
  const disabledNeeds: AccessibilityNeed[] = [
    'blind_low_vision',
    'blind_low_vision',
    'blind_low_vision',
    'blind_low_vision',
    'deaf_hard_of_hearing',
    'deaf_hard_of_hearing',
    'deaf_hard_of_hearing',
    'motor',
    'motor',
    'motor',
    'cognitive',
    'cognitive',
  ];
  for (const [k, i] of [...disabled].entries()) {
    addNeed(i, disabledNeeds[k % disabledNeeds.length] as AccessibilityNeed);
  }
  const elderlyOnly = (i: number) => elderly.has(i) && !disabled.has(i);
  for (const i of take(rng, 12, elderlyOnly)) addNeed(i, 'cannot_read');
  for (const i of take(rng, 4, (i) => elderlyOnly(i) && !needs.has(i))) addNeed(i, 'deaf_hard_of_hearing');
  for (const i of take(rng, 3, (i) => elderlyOnly(i) && !needs.has(i))) addNeed(i, 'blind_low_vision');
  for (const i of take(rng, 3, (i) => elderlyOnly(i) && !needs.has(i))) addNeed(i, 'motor');
  for (const i of take(rng, 2, (i) => migrant.has(i))) addNeed(i, 'cannot_read');

  const noPhone = new Set([
    ...take(rng, 6, (i) => elderly.has(i) && !deputy.has(i)),
    ...take(rng, 2, (i) => !elderly.has(i) && !deputy.has(i)),
  ]);
  const english = take(
    rng,
    4,
    (i) => !elderly.has(i) && !deputy.has(i) && !migrant.has(i) && !noPhone.has(i),
  );
  const cantonese = take(rng, 16, (i) => !english.has(i));
  const nightShift = take(rng, 5, (i) => migrant.has(i));
  const earlySleepers = take(rng, 4, (i) => elderly.has(i) && !nightShift.has(i));
  const lateRisers = take(rng, 1, (i) => !nightShift.has(i) && !earlySleepers.has(i));
  const smsOptOut = take(rng, 5, (i) => !noPhone.has(i) && !deputy.has(i));
  const voiceOptOut = take(rng, 1, (i) => !noPhone.has(i) && !smsOptOut.has(i) && !deputy.has(i));
  const withName = take(rng, 85, () => true);

  const phones = phoneNumbers(rng, DEMO_RESIDENT_COUNT);

  return range(DEMO_RESIDENT_COUNT).map((i): DemoResident => {
    const grid = rng.pick(grids);
    const groups: ResidentGroup[] = [];
    if (elderly.has(i)) groups.push('elderly');
    if (disabled.has(i)) groups.push('disabled');
    if (migrant.has(i)) groups.push('migrant_worker');
    if (enterprise.has(i)) groups.push('enterprise_rep');
    if (socialOrg.has(i)) groups.push('social_org');
    if (professional.has(i)) groups.push('professional');
    if (deputy.has(i)) groups.push('deputy');
    const accessibilityNeeds = needs.get(i) ?? [];
    const hasPhone = !noPhone.has(i);
    const preferredLocale: Locale = english.has(i) ? 'en' : cantonese.has(i) ? 'zh-HK' : 'zh-CN';

    let preferredChannel: ContactChannel = 'sms';
    if (!hasPhone) preferredChannel = 'visit';
    else if (accessibilityNeeds.includes('blind_low_vision') || accessibilityNeeds.includes('cannot_read')) {
      // Most of them take calls; some would rather a grid worker came round.
      preferredChannel = rng.chance(0.25) ? 'visit' : 'voice';
    } else if (accessibilityNeeds.includes('cognitive') || accessibilityNeeds.includes('motor')) {
      preferredChannel = rng.chance(0.5) ? 'visit' : 'sms';
    } else if (!accessibilityNeeds.includes('deaf_hard_of_hearing') && rng.chance(0.08)) {
      preferredChannel = 'voice';
    }

    const [quietStartMinute, quietEndMinute] = nightShift.has(i)
      ? [8 * 60, 16 * 60]
      : earlySleepers.has(i)
        ? [20 * 60, 7 * 60]
        : lateRisers.has(i)
          ? [22 * 60 + 30, 9 * 60]
          : DEFAULT_QUIET;

    const optOuts: DemoOptOut[] = [];
    if (smsOptOut.has(i)) optOuts.push({ channel: 'sms', reason: 'keyword:TD', daysAgo: rng.int(3, 90) });
    if (voiceOptOut.has(i)) optOuts.push({ channel: 'voice', reason: 'staff:resident-request', daysAgo: 21 });

    return {
      gridCode: grid.gridCode,
      communityCode: grid.communityCode,
      name: withName.has(i) ? personName(rng, preferredLocale, elderly.has(i)) : null,
      phone: hasPhone ? (phones[i] as string) : null,
      groups,
      accessibilityNeeds,
      preferredLocale,
      preferredChannel,
      quietStartMinute,
      quietEndMinute,
      slowSpeech: preferredChannel === 'voice' && elderly.has(i),
      optOuts,
    };
  });
}

function personName(rng: SeededRandom, locale: Locale, elder: boolean): string {
  switch (locale) {
    case 'en':
      return rng.pick(NAMES_EN);
    case 'zh-HK':
      return rng.pick(SURNAMES_HK) + rng.pick(GIVEN_HK);
    case 'zh-CN':
      return rng.pick(SURNAMES_CN) + rng.pick(elder ? GIVEN_ELDER_CN : GIVEN_CN);
  }
}
