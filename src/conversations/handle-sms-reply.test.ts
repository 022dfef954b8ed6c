import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, intakes, residents, surveyAnswers } from '../db/schema.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import {
  inboundSms,
  newPhone,
  newSurvey,
  newTopic,
  promptSurveyQuestion,
  promptTopicNotice,
  residentWithPhone,
  THREE_QUESTIONS,
  useConversationDatabase,
} from './conversation-test-kit.ts';
import { getPendingPrompt } from './get-pending-prompt.ts';
import { handleSmsReply } from './handle-sms-reply.ts';

const setup = useConversationDatabase();

const { ctx } = setup;

async function intakeOf(intakeId: string) {
  const [row] = await setup.database.db.select().from(intakes).where(eq(intakes.id, intakeId));
  return row!;
}

describe('handleSmsReply', () => {
  it('stores every message, even one that says nothing, and answers it with help', async () => {
    const result = await handleSmsReply(ctx(), inboundSms(newPhone(), '👍👍'));
    expect(result).toMatchObject({ duplicate: false, kind: 'unclassified', locale: 'zh-CN' });
    expect(result.reply).toContain('退订回TD');
    expect(await intakeOf(result.intakeId)).toMatchObject({
      channel: 'sms',
      kind: 'unclassified',
      text: '👍👍',
    });
  });

  it('confirms an opt-out once, audits it once, and confirms the opt-in', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const topic = await newTopic(c.db);
    await promptTopicNotice(c, resident.id, topic.id);

    const out = await handleSmsReply(c, inboundSms(resident.phone, 'TD'));
    expect(out.reply).toBe('您已退订短信通知。回复“订阅”可恢复。');
    expect(await isOptedOut(c, { residentId: resident.id, channel: 'sms' })).toBe(true);
    expect(await getPendingPrompt(c, { residentId: resident.id })).toBeUndefined();

    const again = await handleSmsReply(c, inboundSms(resident.phone, '退订'));
    expect(again).toMatchObject({ kind: 'opt_out', duplicate: false });
    expect(again.reply).toBeUndefined();
    const audits = await c.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, resident.id), eq(auditLog.action, 'resident.opt_out')));
    expect(audits).toHaveLength(1);

    const back = await handleSmsReply(c, inboundSms(resident.phone, '订阅'));
    expect(back.reply).toBe('您已恢复接收短信通知。回复TD可退订。');
    expect(await isOptedOut(c, { residentId: resident.id, channel: 'sms' })).toBe(false);
  });

  it('answers a repeated delivery with the first reply and moves the survey on only once', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS);
    await promptSurveyQuestion(c, resident.id, survey, questions[0]!.id);

    const message = inboundSms(resident.phone, '1');
    const first = await handleSmsReply(c, message);
    const second = await handleSmsReply(c, message);
    expect(first.reply).toMatch(/^已记录。（2\/3）您对施工期间的安排满意吗？/);
    expect(second).toEqual({ ...first, duplicate: true });
    expect((await getPendingPrompt(c, { residentId: resident.id }))?.question?.id).toBe(questions[1]!.id);
    expect(await c.db.select().from(surveyAnswers).where(eq(surveyAnswers.surveyId, survey.id))).toHaveLength(
      1,
    );
  });

  it('records a message from a number it cannot use without a resident, and still answers', async () => {
    const before = await setup.database.db.select({ id: residents.id }).from(residents);
    const result = await handleSmsReply(ctx(), inboundSms('10086', '查话费'));
    expect(result.reply).toBeDefined();
    expect((await intakeOf(result.intakeId)).residentId).toBeNull();
    expect(await setup.database.db.select({ id: residents.id }).from(residents)).toHaveLength(before.length);
  });

  it('replies in the stored language, else the message’s own, never guessing from a keyword', async () => {
    const c = ctx();
    const english = await residentWithPhone(c);
    await c.db.update(residents).set({ preferredLocale: 'en' }).where(eq(residents.id, english.id));
    expect((await handleSmsReply(c, inboundSms(english.phone, '路灯坏了'))).locale).toBe('en');
    expect((await handleSmsReply(c, inboundSms(newPhone(), '路燈壞咗好耐'))).locale).toBe('zh-HK');
    expect((await handleSmsReply(c, inboundSms(newPhone(), 'The street light is broken'))).locale).toBe('en');
    const help = await handleSmsReply(c, inboundSms(newPhone(), 'HELP'));
    expect(help.locale).toBe('zh-CN');
    expect(help.reply).toContain('民生议事堂');
  });
});
