import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { findTopicByCode, parseTopicRef } from './find-topic-by-code.ts';

let database: TestDatabase;
let topicId: string;
let code: string;
let number: number;

beforeAll(async () => {
  database = await createTestDatabase();
  const [row] = await database.db
    .insert(topics)
    .values({ title: { 'zh-CN': '加装电梯' }, summary: { 'zh-CN': '老楼加装电梯' }, source: 'online' })
    .returning();
  topicId = row!.id;
  code = row!.code;
  number = row!.number;
});

afterAll(async () => {
  await database.close();
});

describe('parseTopicRef', () => {
  it.each([
    ['T23', 23],
    ['t23', 23],
    ['#23', 23],
    ['＃２３', 23],
    ['２３', 23],
    ['Ｔ２３', 23],
    ['23', 23],
    [' T 23 ', 23],
    ['议题23', 23],
    ['議題23', 23],
    ['T023', 23],
  ])('reads %s as %i', (ref, expected) => {
    expect(parseTopicRef(ref)).toBe(expected);
  });

  it.each(['', 'T', 'T-1', 'T0', 'X23', '23a', 'T23 支持', '9999999999', '2.5'])('rejects %j', (ref) => {
    expect(parseTopicRef(ref)).toBeUndefined();
  });
});

describe('findTopicByCode', () => {
  it('finds a topic by every spelling of its code', async () => {
    for (const ref of [code, code.toLowerCase(), `#${number}`, String(number)]) {
      expect((await findTopicByCode(database.db, ref))?.id).toBe(topicId);
    }
    const fullWidth = String(number).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect((await findTopicByCode(database.db, `Ｔ${fullWidth}`))?.id).toBe(topicId);
  });

  it('finds nothing for a number no topic has', async () => {
    expect(await findTopicByCode(database.db, `T${number + 1000}`)).toBeUndefined();
  });

  it('finds nothing for something that is not a code', async () => {
    expect(await findTopicByCode(database.db, 'lift')).toBeUndefined();
  });
});
