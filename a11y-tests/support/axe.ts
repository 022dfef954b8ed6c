import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

export interface AxeReport {
  url: string;
  violations: AxeFinding[];
  incomplete: AxeFinding[];
}

interface RawResult {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core in the page with the WCAG 2.2 AA tags and best practices, `target-size` switched on.
 * Evaluated through the DevTools protocol, so the page's Content-Security-Policy does not block it.
 */
export async function runAxe(page: Page): Promise<AxeReport> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } })
      .axe;
    return axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      rules: { 'target-size': { enabled: true } },
      resultTypes: ['violations', 'incomplete'],
    });
  }, AXE_TAGS);
  const { violations, incomplete } = result as { violations: RawResult[]; incomplete: RawResult[] };
  const simplify = (r: RawResult): AxeFinding => ({
    id: r.id,
    impact: r.impact ?? null,
    help: r.help,
    targets: r.nodes.map((n) => n.target.map(String).join(' ')),
  });
  return { url: page.url(), violations: violations.map(simplify), incomplete: incomplete.map(simplify) };
}
