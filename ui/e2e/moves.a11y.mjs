// axe-core on the optimizer's move controls (Promote… form, Switch type… dialog with a field error),
// in the system's headless Chromium against mock-api.mjs: the end-to-end test's backend has no promote
// or commands endpoint yet, so these controls are checked here until it has. Exit code 1 on any
// serious or critical violation.
//
//   (cd .. && npm run build) && node moves.a11y.mjs

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startMockApi } from './mock-api.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DIST = path.resolve(path.join(import.meta.dirname, '..', 'dist'));
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// In the mock fleet instance 0 is a running replica and instance 5 a running primary.
const REPLICA = '00000000-0000-4000-8000-000000000000';
const PRIMARY = '00000000-0000-4000-8000-000000000005';

const api = await startMockApi({ count: 50, eventsPerSecond: 0, dist: DIST });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
let bad = [];
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => sessionStorage.setItem('spot-optimizer.client-token', 'mock-token'));
  const page = await context.newPage();
  const check = async (label) => {
    await page.addScriptTag({ content: AXE_SOURCE });
    const violations = await page.evaluate(async () =>
      (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({ id: v.id, impact: v.impact, target: v.nodes[0]?.target })),
    );
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    console.log(`axe (${label}): ${violations.length} violations, ${serious.length} serious/critical ${JSON.stringify(violations)}`);
    bad = bad.concat(serious);
  };
  await page.goto(api.url + '/');
  await page.locator(`tr[data-instance-id="${REPLICA}"]`).click();
  await page.getByRole('button', { name: 'Promote…' }).click();
  await check('promote form');
  await page.getByRole('button', { name: 'Confirm promote' }).click();
  await page.locator(`tr[data-instance-id="${REPLICA}"][data-status="running_primary"]`).waitFor({ timeout: 10_000 });
  console.log('promote: the replica became the primary on the stream');
  await page.locator(`tr[data-instance-id="${PRIMARY}"]`).click();
  await page.getByRole('button', { name: 'Switch type…' }).click();
  await page.getByRole('button', { name: 'Send switch' }).click();
  await check('switch dialog with a field error');
  await page.getByLabel('Target instance type').fill('m5.large');
  await page.getByRole('button', { name: 'Send switch' }).click();
  await page.getByText('Switch to m5.large accepted').waitFor({ timeout: 10_000 });
  await check('switch accepted');
} finally {
  await browser.close();
  await api.close();
}
if (bad.length) {
  console.error(`${bad.length} serious/critical violations`);
  process.exitCode = 1;
} else console.log('moves a11y: no serious or critical violation');
