/**
 * Builders for tests and demo data: a topic walked through the real verbs up to a given status, with
 * the manual clock moved forward where the publication rule requires it.
 */
import type { ManualClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { TOPIC_STATUSES, type TopicStatus } from '../db/schema.ts';
import { closeTopic } from './close-topic.ts';
import { type CreateTopicInput, createTopic } from './create-topic.ts';
import { publishResult } from './publish-result.ts';
import { publishTopic } from './publish-topic.ts';
import { rejectTopic } from './reject-topic.ts';
import { screenTopic } from './screen-topic.ts';
import { startDeliberation } from './start-deliberation.ts';
import { startEvaluation } from './start-evaluation.ts';
import { startImplementation } from './start-implementation.ts';
import type { Topic } from './topic-lifecycle.ts';

/** The lifecycle without the side exit. */
const PATH: readonly TopicStatus[] = TOPIC_STATUSES.filter((s) => s !== 'rejected');

export const SAMPLE_TOPIC: CreateTopicInput = {
  title: { 'zh-CN': '老旧小区加装电梯', 'zh-HK': '舊屋苑加裝電梯', en: 'Lifts for older blocks' },
  summary: { 'zh-CN': '3号楼居民希望加装电梯。', en: 'Residents of block 3 ask for a lift.' },
  source: 'resident_recommendation',
};

/**
 * Creates a topic and moves it to `status` through the verbs. Deliberation needs the publication period
 * to be over, so the clock jumps to 10:00 (Asia/Shanghai) on the earliest allowed day when it is earlier.
 */
export async function createTopicInStatus(
  ctx: Ctx & { clock: ManualClock },
  status: TopicStatus,
  input: Partial<CreateTopicInput> = {},
): Promise<Topic> {
  let { topic } = await createTopic(ctx, { ...SAMPLE_TOPIC, ...input });
  if (status === 'rejected') return (await rejectTopic(ctx, { topicId: topic.id, reason: '与T1重复' })).topic;
  const steps = PATH.indexOf(status);
  for (const next of PATH.slice(1, steps + 1)) {
    const topicId = topic.id;
    switch (next) {
      case 'screening':
        ({ topic } = await screenTopic(ctx, { topicId }));
        break;
      case 'published':
        ({ topic } = await publishTopic(ctx, { topicId }));
        break;
      case 'deliberating': {
        const earliest = new Date(`${topic.deliberationEarliestOn}T02:00:00Z`);
        if (ctx.clock.now() < earliest) ctx.clock.set(earliest);
        ({ topic } = await startDeliberation(ctx, { topicId }));
        break;
      }
      case 'result_published':
        ({ topic } = await publishResult(ctx, { topicId }));
        break;
      case 'implementing':
        ({ topic } = await startImplementation(ctx, { topicId }));
        break;
      case 'evaluating':
        ({ topic } = await startEvaluation(ctx, { topicId }));
        break;
      case 'closed':
        ({ topic } = await closeTopic(ctx, { topicId }));
        break;
      default:
        throw new Error(`no step leads to ${next}`);
    }
  }
  return topic;
}
