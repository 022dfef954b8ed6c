import { describe, expect, it } from 'vitest';
import type { surveyQuestions } from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import type { CampaignMessageFacts } from '../outreach/campaign-message.ts';
import { renderCallMessages, spokenText } from './outbound-call-message.ts';

const i18n = getI18n();

const question = {
  id: '00000000-0000-4000-8000-000000000001',
  surveyId: '00000000-0000-4000-8000-000000000002',
  position: 1,
  kind: 'satisfaction',
  prompt: { 'zh-CN': '您对电梯满意吗？' },
} satisfies typeof surveyQuestions.$inferSelect;

const facts = (overrides: Partial<CampaignMessageFacts> = {}): CampaignMessageFacts => ({
  kind: 'survey',
  templates: { 'zh-CN': '{{topicCode}}《{{topicTitle}}》已完工。', en: '{{topicCode}} is done.' },
  topic: {
    code: 'T23',
    title: { 'zh-CN': '3号楼加装电梯', en: 'A lift for block 3' },
    publicationEndsOn: '2026-12-08',
    resultDueOn: null,
  },
  community: { 'zh-CN': '东湖社区', en: 'Donghu' },
  survey: { code: 'S4', firstQuestion: question, questionCount: 2 },
  ...overrides,
});

describe('what an outbound call says first', () => {
  it('says who is calling, the campaign text and how many questions follow, in each template language', () => {
    const calls = renderCallMessages(i18n, facts(), 'zh-CN');
    expect(calls['zh-CN']).toEqual({
      locale: 'zh-CN',
      body: '您好，这里是东湖社区议事堂。T23《3号楼加装电梯》已完工。想请您回答2个简短的问题。',
    });
    // No Cantonese template: the default language's words, as the SMS would have them.
    expect(calls['zh-HK']).toEqual(calls['zh-CN']);
    expect(calls.en).toEqual({
      locale: 'en',
      body: 'Hello, this is Donghu Hall. T23 is done. We would like to ask you 2 short questions.',
    });
  });

  it('leaves out the SMS-only parts: the sender tag, "reply 1/2" and "reply TD"', () => {
    const notice = renderCallMessages(
      i18n,
      facts({
        kind: 'notice',
        survey: undefined,
        templates: {
          'zh-CN':
            '【东湖社区议事堂】议题{{topicCode}}《{{topicTitle}}》公示至{{publicationEndsOn}}。支持回1，反对回2，有意见直接回复文字。退订回TD',
        },
      }),
      'zh-CN',
    );
    expect(notice['zh-CN'].body).toBe('您好，这里是东湖社区议事堂。议题T23《3号楼加装电梯》公示至12月8日。');
  });

  it('keeps every sentence that is not about replying by text', () => {
    expect(spokenText('[Donghu Hall] The lift works. It cost 12.5 thousand. Reply TD to stop.')).toBe(
      'The lift works. It cost 12.5 thousand.',
    );
    expect(spokenText('3号楼电梯已启用！请注意安全；谢谢。')).toBe('3号楼电梯已启用！请注意安全；谢谢。');
  });
});
