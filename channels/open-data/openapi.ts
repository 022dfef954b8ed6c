/**
 * The OpenAPI 3.1 description of the open-data API, served at /api/open/openapi.json. Response schemas
 * are generated from the same zod schemas the routes send their answers through.
 */
import { z } from 'zod';
import { LOCALES } from '../../src/db/schema.ts';
import {
  errorResponse,
  evaluationResponse,
  kpisResponse,
  participationResponse,
  responsibilityItemsResponse,
  supervisionResponse,
} from './open-data-schemas.ts';

export const OPEN_DATA_PREFIX = '/api/open';

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'output',
  }) as Record<string, unknown>;
  return rest;
}

const COMPONENTS = {
  Kpis: kpisResponse,
  ResponsibilityItems: responsibilityItemsResponse,
  Supervision: supervisionResponse,
  Evaluation: evaluationResponse,
  Participation: participationResponse,
  Error: errorResponse,
} as const;
type ComponentName = keyof typeof COMPONENTS;

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

const ok = (name: ComponentName, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});

const problem = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

const langParameter = {
  name: 'lang',
  in: 'query',
  required: false,
  description: 'Language of names and definitions (default zh-CN).',
  schema: { type: 'string', enum: [...LOCALES] },
};

/** The document, built once. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Deliberation hall open data',
      version: '1.0.0',
      description:
        'Public, aggregate data about the deliberation halls: the plan’s KPIs beside their targets, the three lists (responsibility, supervision, evaluation) and who has been heard on each public topic. No personal data: no resident or staff member is named, no free-text note is published. Figures are recomputed at most every few seconds; dates are calendar days in the halls’ time zone; deadlines count Chinese working days (weekends and public holidays off, make-up working days on).',
      license: { name: 'CC BY 4.0', identifier: 'CC-BY-4.0' },
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths: {
      [`${OPEN_DATA_PREFIX}/kpis`]: {
        get: {
          operationId: 'getKpis',
          summary: 'Every KPI of the plan beside its target, with its definition',
          parameters: [langParameter],
          responses: { '200': ok('Kpis', 'The KPIs as of today.') },
        },
      },
      [`${OPEN_DATA_PREFIX}/responsibility-items`]: {
        get: {
          operationId: 'listResponsibilityItems',
          summary:
            'The responsibility list: each item’s unit, deadline, acceptance criteria and where it stands',
          parameters: [
            {
              name: 'topic',
              in: 'query',
              required: false,
              description: 'Only the items of this topic (its code, e.g. T12).',
              schema: { type: 'string', pattern: '^[Tt]?\\d{1,9}$' },
            },
          ],
          responses: {
            '200': ok('ResponsibilityItems', 'Items of topics whose result is published.'),
            '404': problem('The topic named is not public or does not exist.'),
          },
        },
      },
      [`${OPEN_DATA_PREFIX}/supervision`]: {
        get: {
          operationId: 'listSupervision',
          summary: 'The supervision list: items flagged overdue or without a department’s response',
          responses: {
            '200': ok(
              'Supervision',
              'Open flags raised by the daily supervision check, then the 500 most recent ones taken up or answered.',
            ),
          },
        },
      },
      [`${OPEN_DATA_PREFIX}/evaluation`]: {
        get: {
          operationId: 'getEvaluation',
          summary: 'The evaluation list: satisfaction per topic and per department',
          responses: {
            '200': ok('Evaluation', 'Topics under evaluation or closed, and departments with items.'),
          },
        },
      },
      [`${OPEN_DATA_PREFIX}/topics/{code}/participation`]: {
        get: {
          operationId: 'getParticipation',
          summary:
            'Who has been heard on a public topic, by group and channel, against the community’s make-up',
          parameters: [
            {
              name: 'code',
              in: 'path',
              required: true,
              description: 'The topic’s code, e.g. T12.',
              schema: { type: 'string', pattern: '^[Tt]?\\d{1,9}$' },
            },
          ],
          responses: {
            '200': ok('Participation', 'Counts of residents and contributions; no one is named.'),
            '404': problem('There is no public topic with this code.'),
          },
        },
      },
      [`${OPEN_DATA_PREFIX}/openapi.json`]: {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This document',
          responses: {
            '200': {
              description: 'The OpenAPI 3.1 description of this API.',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: Object.fromEntries(
        Object.entries(COMPONENTS).map(([name, schema]) => [name, jsonSchema(schema)]),
      ),
    },
  };
}
