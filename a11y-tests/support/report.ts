import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { AxeReport } from './axe.ts';

export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts', import.meta.url));

/** Saves a full-page screenshot for people to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Writes every page's axe findings (violations and the `incomplete` items to review) to a JSON report. */
export function writeAxeReport(name: string, reports: (AxeReport & { state: string })[]): void {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(path.join(ARTIFACTS_DIR, `${name}.axe.json`), JSON.stringify(reports, null, 2));
}
