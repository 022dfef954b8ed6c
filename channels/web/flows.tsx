/**
 * The website's forms: give an opinion, report a need or problem, ask for a home visit, follow a
 * topic. Each is a list of one-question pages and what to store once they are all answered.
 */
import type { AppDeps } from '../../src/app-deps.ts';
import type { Locale } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { ingest } from '../../src/pipeline/ingest.ts';
import type { Outcome } from '../../src/pipeline/outcome.ts';
import { followTopic } from '../../src/topics/follow-topic.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { type Confirmation, type Flow, phoneStep, type Values } from './flow.tsx';
import { localized } from './web-context.ts';

export const COMMENT_MAX = 2000;
export const PLACE_MAX = 200;
export const IMPACT_MAX = 500;
export const VISIT_REASON_MAX = 1000;

interface FlowContext {
  deps: AppDeps;
  t: Translate;
  locale: Locale;
}

function phoneDetail(t: Translate, residentId: string | undefined) {
  return {
    label: t('site:common.phoneGiven'),
    value: residentId ? t('site:common.phoneLinked') : t('site:common.anonymous'),
  };
}

function outcomeMessage(t: Translate, outcome: Outcome): string {
  return t(outcome.messageKey, outcome.params);
}

const optionalText = (values: Values, name: string) => {
  const v = (values[name] ?? '').trim();
  return v === '' ? undefined : v;
};

/** Support, oppose or a suggestion on an open topic, with an optional comment and phone number. */
export function opinionFlow({ deps, t, locale }: FlowContext, topic: Topic): Flow {
  const topicCode = topic.code;
  const stanceOptions = (['support', 'oppose', 'suggestion'] as const).map((s) => ({
    value: s,
    label: t(`site:opinion.stanceOption.${s}`),
  }));
  return {
    action: `/topics/${topicCode}/opinion`,
    title: t('site:opinion.title', { topicCode }),
    intro: t('site:opinion.intro', { topicCode, title: localized(topic.title, locale) }),
    submitLabel: t('site:opinion.submit'),
    steps: [
      {
        name: 'stance',
        question: t('site:opinion.stance'),
        requiredMessage: t('site:opinion.stanceRequired'),
        input: { type: 'radios', options: stanceOptions },
      },
      {
        name: 'comment',
        question: t('site:opinion.comment'),
        hint: t('site:opinion.commentHint'),
        optional: true,
        input: { type: 'textarea', maxLength: COMMENT_MAX },
        check: (value, values) =>
          value === '' && values.stance === 'suggestion' ? t('site:opinion.commentRequired') : undefined,
      },
      phoneStep(t, false),
    ],
    async complete({ values, ref, residentId, ctx }): Promise<Confirmation> {
      const stance = values.stance as 'support' | 'oppose' | 'suggestion';
      const comment = optionalText(values, 'comment');
      const result = await ingest(
        ctx,
        {
          channel: 'web',
          externalId: ref,
          actor: ctx.actor,
          declaredKind: 'opinion',
          topicRef: topicCode,
          stance,
          ...(comment ? { text: comment } : {}),
          language: locale,
          receivedAt: ctx.clock.now(),
        },
        { helpPhone: deps.config.helpPhone },
      );
      return {
        title: t('site:opinion.doneTitle'),
        message: outcomeMessage(t, result.outcome),
        details: [
          { label: t('site:opinion.stanceGiven'), value: t(`site:opinion.stanceOption.${stance}`) },
          ...(comment ? [{ label: t('site:opinion.commentGiven'), value: comment }] : []),
          phoneDetail(t, residentId),
        ],
        next: t('site:opinion.next'),
        links: [
          { href: `/topics/${topicCode}`, label: t('site:common.backToTopic', { topicCode }) },
          { href: `/topics/${topicCode}/follow`, label: t('site:topic.follow') },
          { href: '/', label: t('site:common.backHome') },
        ],
      };
    },
  };
}

/** A need or problem: what, where, how it affects people, and an optional phone number. */
export function reportFlow({ deps, t, locale }: FlowContext): Flow {
  return {
    action: '/report',
    title: t('site:report.title'),
    intro: t('site:report.intro'),
    submitLabel: t('site:report.submit'),
    steps: [
      {
        name: 'what',
        question: t('site:report.what'),
        hint: t('site:report.whatHint'),
        requiredMessage: t('site:report.whatRequired'),
        input: { type: 'textarea', maxLength: COMMENT_MAX },
      },
      {
        name: 'where',
        question: t('site:report.where'),
        hint: t('site:report.whereHint'),
        requiredMessage: t('site:report.whereRequired'),
        input: { type: 'text', maxLength: PLACE_MAX, autocomplete: 'street-address' },
      },
      {
        name: 'impact',
        question: t('site:report.impact'),
        hint: t('site:report.impactHint'),
        optional: true,
        input: { type: 'textarea', maxLength: IMPACT_MAX },
      },
      phoneStep(t, false),
    ],
    async complete({ values, ref, residentId, ctx }): Promise<Confirmation> {
      const what = (values.what ?? '').trim();
      const where = (values.where ?? '').trim();
      const impact = optionalText(values, 'impact');
      const result = await ingest(
        ctx,
        {
          channel: 'web',
          externalId: ref,
          actor: ctx.actor,
          declaredKind: 'demand',
          text: what,
          location: where,
          ...(impact ? { impact } : {}),
          language: locale,
          receivedAt: ctx.clock.now(),
        },
        { helpPhone: deps.config.helpPhone },
      );
      return {
        title: t('site:report.doneTitle'),
        message: outcomeMessage(t, result.outcome),
        details: [
          { label: t('site:report.whatGiven'), value: what },
          { label: t('site:report.whereGiven'), value: where },
          ...(impact ? [{ label: t('site:report.impactGiven'), value: impact }] : []),
          phoneDetail(t, residentId),
        ],
        next: t('site:report.next'),
        links: [
          { href: '/topics', label: t('site:home.allTopics') },
          { href: '/', label: t('site:common.backHome') },
        ],
      };
    },
  };
}

/**
 * A home visit by a grid worker or volunteer. Kept as a demand, so it reaches the staff who plan
 * visits with the address as its place; the verified phone number is how they arrange the time.
 */
export function visitFlow({ deps, t, locale }: FlowContext): Flow {
  return {
    action: '/visit',
    title: t('site:visit.title'),
    intro: t('site:visit.intro'),
    submitLabel: t('site:visit.submit'),
    steps: [
      {
        name: 'address',
        question: t('site:visit.address'),
        hint: t('site:visit.addressHint'),
        requiredMessage: t('site:visit.addressRequired'),
        input: { type: 'text', maxLength: PLACE_MAX, autocomplete: 'street-address' },
      },
      {
        name: 'reason',
        question: t('site:visit.reason'),
        hint: t('site:visit.reasonHint'),
        optional: true,
        input: { type: 'textarea', maxLength: VISIT_REASON_MAX },
      },
      phoneStep(t, true),
    ],
    async complete({ values, ref, residentId, ctx }): Promise<Confirmation> {
      const address = (values.address ?? '').trim();
      const reason = optionalText(values, 'reason');
      const result = await ingest(
        ctx,
        {
          channel: 'web',
          externalId: ref,
          actor: ctx.actor,
          declaredKind: 'demand',
          text: reason ? t('site:visit.demandTextWithReason', { reason }) : t('site:visit.demandText'),
          location: address,
          language: locale,
          receivedAt: ctx.clock.now(),
        },
        { helpPhone: deps.config.helpPhone },
      );
      return {
        title: t('site:visit.doneTitle'),
        message: outcomeMessage(t, result.outcome),
        details: [
          { label: t('site:visit.addressGiven'), value: address },
          ...(reason ? [{ label: t('site:visit.reasonGiven'), value: reason }] : []),
          phoneDetail(t, residentId),
        ],
        next: t('site:visit.next'),
        links: [{ href: '/', label: t('site:common.backHome') }],
      };
    },
  };
}

/** Notices about a topic's progress by SMS or phone call, to a verified number. */
export function followFlow({ t }: FlowContext, topic: Topic): Flow {
  const topicCode = topic.code;
  return {
    action: `/topics/${topicCode}/follow`,
    title: t('site:follow.title', { topicCode }),
    intro: t('site:follow.intro'),
    submitLabel: t('site:follow.submit'),
    steps: [
      {
        name: 'channel',
        question: t('site:follow.channel'),
        requiredMessage: t('site:follow.channelRequired'),
        input: {
          type: 'radios',
          options: (['sms', 'voice'] as const).map((ch) => ({
            value: ch,
            label: t(`site:follow.channelOption.${ch}`),
            hint: t(`site:follow.channelHint.${ch}`),
          })),
        },
      },
      phoneStep(t, true),
    ],
    async complete({ values, residentId, ctx }): Promise<Confirmation> {
      if (!residentId) throw new Error('following a topic needs a verified phone number');
      const channel = values.channel === 'voice' ? 'voice' : 'sms';
      await followTopic(ctx, { topicId: topic.id, residentId, channel });
      return {
        title: t('site:follow.doneTitle', { topicCode }),
        message: t('site:follow.done', { topicCode }),
        details: [{ label: t('site:follow.channelGiven'), value: t(`site:follow.channelOption.${channel}`) }],
        next: t('site:follow.next'),
        links: [
          { href: `/topics/${topicCode}`, label: t('site:common.backToTopic', { topicCode }) },
          { href: '/', label: t('site:common.backHome') },
        ],
      };
    },
  };
}
