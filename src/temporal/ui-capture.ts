/**
 * Opens a workflow's page in the Temporal Web UI in headless Chromium (Debian's `chromium`,
 * driven by playwright-core), checks that the texts an operator relies on are on the page (the
 * stop sequence's step summaries), and saves a screenshot. Used by the demo (`--screenshot`) and
 * by `scripts/ui-check.ts`; the README shows the picture it saves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEnv } from '../config/env';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | null {
  const env = readEnv('HLX_CHROMIUM');
  if (env) return fs.existsSync(env) ? env : null;
  return CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export interface UiCaptureOptions {
  /** e.g. http://127.0.0.1:8233 */
  uiUrl: string;
  namespace: string;
  workflowId: string;
  runId?: string;
  /** every one of these must appear on the page (case-sensitive substrings) */
  expectTexts: string[];
  /** PNG path */
  out: string;
  timeoutMs?: number;
}

export interface UiCaptureResult {
  url: string;
  found: string[];
  missing: string[];
  screenshot: string;
}

export function workflowUiUrl(uiUrl: string, namespace: string, workflowId: string, runId?: string): string {
  const base = `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

export async function captureWorkflowPage(opts: UiCaptureOptions): Promise<UiCaptureResult> {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error(
      'no Chromium found (looked at ' + CHROMIUM_CANDIDATES.join(', ') + '): run scripts/ensure-chromium.sh, or set HLX_CHROMIUM to a Chromium binary',
    );
  }
  // loaded lazily: only this feature needs it, and it is a dev dependency
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const timeout = opts.timeoutMs ?? 30_000;
  const url = workflowUiUrl(opts.uiUrl, opts.namespace, opts.workflowId, opts.runId);
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
    await page.goto(url, { waitUntil: 'networkidle', timeout });
    const deadline = Date.now() + timeout;
    let text = '';
    let missing = opts.expectTexts;
    // the UI renders the event history asynchronously; poll the page text until all are there
    while (Date.now() < deadline) {
      text = await page.innerText('body');
      missing = opts.expectTexts.filter((t) => !text.includes(t));
      if (missing.length === 0) break;
      await page.waitForTimeout(500);
    }
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    await page.screenshot({ path: opts.out, fullPage: true });
    return { url, found: opts.expectTexts.filter((t) => text.includes(t)), missing, screenshot: opts.out };
  } finally {
    await browser.close();
  }
}
