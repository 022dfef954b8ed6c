/**
 * The demo street: one street office, two communities with their real-world make-up by group (the
 * baseline participation balance is measured against), three grids each.
 */
import type { LocalizedText, ResidentGroup } from '../db/schema.ts';

export interface DemoGrid {
  code: string;
  name: LocalizedText;
}

export interface DemoCommunity {
  code: string;
  name: LocalizedText;
  profile: Partial<Record<ResidentGroup | 'total', number>>;
  grids: DemoGrid[];
}

export const DEMO_STREET = {
  code: 'changan',
  name: { 'zh-CN': '长安街道', 'zh-HK': '長安街道', en: "Chang'an Street" } satisfies LocalizedText,
};

export const DEMO_COMMUNITIES: DemoCommunity[] = [
  {
    code: 'changan-xingfuli',
    name: { 'zh-CN': '幸福里社区', 'zh-HK': '幸福里社區', en: 'Xingfuli Community' },
    profile: {
      total: 8420,
      elderly: 2350,
      disabled: 312,
      migrant_worker: 1280,
      enterprise_rep: 96,
      social_org: 140,
      professional: 265,
      deputy: 3,
    },
    grids: [
      {
        code: 'changan-xingfuli-g1',
        name: { 'zh-CN': '第一网格（1–4号楼）', 'zh-HK': '第一網格（1–4號樓）', en: 'Grid 1 (Blocks 1–4)' },
      },
      {
        code: 'changan-xingfuli-g2',
        name: { 'zh-CN': '第二网格（5–9号楼）', 'zh-HK': '第二網格（5–9號樓）', en: 'Grid 2 (Blocks 5–9)' },
      },
      {
        code: 'changan-xingfuli-g3',
        name: {
          'zh-CN': '第三网格（沿街商铺）',
          'zh-HK': '第三網格（臨街商舖）',
          en: 'Grid 3 (street-front shops)',
        },
      },
    ],
  },
  {
    code: 'changan-heping',
    name: { 'zh-CN': '和平社区', 'zh-HK': '和平社區', en: 'Heping Community' },
    profile: {
      total: 6135,
      elderly: 1905,
      disabled: 228,
      migrant_worker: 870,
      enterprise_rep: 58,
      social_org: 96,
      professional: 181,
      deputy: 2,
    },
    grids: [
      {
        code: 'changan-heping-g1',
        name: {
          'zh-CN': '第一网格（和平新村）',
          'zh-HK': '第一網格（和平新村）',
          en: 'Grid 1 (Heping New Village)',
        },
      },
      {
        code: 'changan-heping-g2',
        name: {
          'zh-CN': '第二网格（纺织厂宿舍）',
          'zh-HK': '第二網格（紡織廠宿舍）',
          en: 'Grid 2 (textile mill housing)',
        },
      },
      {
        code: 'changan-heping-g3',
        name: {
          'zh-CN': '第三网格（和平路两侧）',
          'zh-HK': '第三網格（和平路兩旁）',
          en: 'Grid 3 (along Heping Road)',
        },
      },
    ],
  },
];
