// End-to-end test of the fleet page in the system's headless Chromium (Debian `chromium`, driven by
// playwright-core: no browser download) against a running local all-in-one.
//
//   SPOT_BASE_URL=http://127.0.0.1:8080 node fleet.e2e.mjs
//
// Environment: SPOT_BASE_URL (required), SPOT_CLIENT_TOKEN (demo-client-token), SCREENSHOT_DIR
// (./screenshots), CHROMIUM_PATH (/usr/bin/chromium), E2E_TIMEOUT_MS (150000).
//
// The page is loaded through a small HTTP proxy in this process, so the test can cut the page's SSE
// connection at the TCP level (the browser sees the connection drop, exactly as when a server or a load
// balancer goes away) and refuse new stream connections for a while. What it proves:
//   1. sign in; launch from the form; the table row shows a spinner while launching, then "Running" with
//      its launch duration; open the row's detail (keyboard: Tab to the table, Enter), whose timeline
//      shows the history; terminate there (Terminate → Confirm terminate): the row shows "Terminating…",
//      then "Terminated" with its duration, and the open timeline gains both events live;
//   2. kill the stream while a launch is in flight; while it is down the launch is confirmed, another
//      instance is launched and the first one terminated (through the API); the page shows
//      "Reconnecting…" and does not change; once the stream may connect again the page goes back to
//      "Live" and shows every missed change — from the stream's replay (Last-Event-ID), not a re-list;
//   3. nothing missed, nothing twice: the ids of the frames the page received equal those a reference
//      subscriber (bearer token, never cut) received after the page's starting point, in order;
//   4. status filter and search narrow the rows and live in the URL (back and reload keep them);
//   5. bulk terminate: two instances selected, one confirmation, both terminated, each with its own
//      request_id;
//   6. axe-core finds no serious or critical accessibility violation (table, and detail open).
// Screenshots: launching, running, reconnecting, recovered (laptop 1280×800), phone (390×844), detail, filtered.

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const BASE = (process.env.SPOT_BASE_URL ?? '').replace(/\/$/, '');
const TOKEN = process.env.SPOT_CLIENT_TOKEN ?? 'demo-client-token';
const SHOTS = path.resolve(process.env.SCREENSHOT_DIR ?? 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 150_000);
const AGENT = 'demo-agent';
const EVENT_TYPES = [
  'INSTANCE_LAUNCHING', 'INSTANCE_RUNNING', 'INSTANCE_TERMINATING', 'INSTANCE_TERMINATED',
  'INSTANCE_LAUNCH_FAILED', 'INSTANCE_LAUNCH_TIMED_OUT', 'INSTANCE_TERMINATION_FAILED',
  'INSTANCE_TERMINATION_TIMED_OUT', 'AGENT_STATUS_CHANGED', 'EMERGENCY_EVENT', 'COMMAND_EXECUTED',
  'HEARTBEAT', 'RESYNC',
];

if (!BASE) fail('SPOT_BASE_URL is not set (the local all-in-one, e.g. http://127.0.0.1:8080)');
if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
fs.mkdirSync(SHOTS, { recursive: true });

const started = Date.now();
const log = (msg) => console.log(`[e2e +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
function fail(msg) {
  console.error(`[e2e] FAILED: ${msg}`);
  process.exit(1);
}
function check(condition, msg) {
  if (!condition) throw new Error(`check failed: ${msg}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------
// The API, as the test (not the page) calls it.

async function api(method, p, body) {
  const res = await fetch(BASE + p, {
    method,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      Accept: 'application/json',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function awaitServerStatus(instanceId, statuses, timeoutMs = 30_000) {
  const wanted = [].concat(statuses);
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    last = await api('GET', `/api/client/instances/${instanceId}`);
    if (wanted.includes(last.status)) return last;
    await sleep(100);
  }
  throw new Error(`instance ${instanceId} is ${last?.status}, not ${wanted.join('|')}, after ${timeoutMs} ms`);
}

// A subscriber that is never cut: what the page must end up having seen.
function referenceSubscriber(clientId) {
  const abort = new AbortController();
  const frames = [];
  let opened;
  const ready = new Promise((r) => (opened = r));
  const done = (async () => {
    const res = await fetch(`${BASE}/api/events/stream/${encodeURIComponent(clientId)}`, {
      headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (!res.ok) throw new Error(`reference stream → ${res.status} ${await res.text()}`);
    opened();
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const frame = {};
        for (const line of block.split('\n')) {
          const m = /^(id|event):\s?(.*)$/.exec(line);
          if (m) frame[m[1]] = m[2];
        }
        if (frame.id && frame.event !== 'HEARTBEAT') frames.push({ id: Number(frame.id), type: frame.event });
      }
    }
  })().catch((e) => {
    if (!abort.signal.aborted) throw e;
  });
  return { frames, ready, stop: () => abort.abort(), done };
}

// ---------------------------------------------------------------------------------------------------
// The proxy the browser talks to: everything passes through, except that the SSE stream can be cut.

function startProxy(upstream) {
  const target = new URL(upstream);
  const state = { down: false, streams: new Set(), lists: 0, streamRequests: 0, refused: 0 };
  const server = http.createServer((req, res) => {
    const pathOnly = req.url.split('?')[0];
    const isStream = pathOnly.startsWith('/api/events/stream/');
    if (req.method === 'GET' && pathOnly === '/api/client/instances') state.lists++;
    if (isStream) {
      state.streamRequests++;
      if (state.down) {
        // The server is unreachable for streams: the connection drops without an answer.
        state.refused++;
        req.socket.destroy();
        return;
      }
    }
    const upstreamReq = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', (e) => {
      if (!state.down) console.warn(`[e2e proxy] ${req.method} ${req.url}: ${e.message}`);
      res.destroy();
    });
    req.pipe(upstreamReq);
    if (isStream) {
      const entry = { res, upstreamReq };
      state.streams.add(entry);
      res.on('close', () => {
        state.streams.delete(entry);
        upstreamReq.destroy();
      });
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        state,
        /** Cuts every open stream connection and refuses new ones until restore(). */
        cut() {
          state.down = true;
          const n = state.streams.size;
          for (const { res, upstreamReq } of state.streams) {
            res.socket?.destroy();
            upstreamReq.destroy();
          }
          return n;
        },
        restore() {
          state.down = false;
        },
        close: () => new Promise((r) => server.close(r)),
      });
      server.on('connection', (s) => s.setNoDelay(true));
    });
  });
}

// Records every SSE frame the page's EventSources receive (installed before the page's own script).
function recordEventSources(types) {
  const Native = window.EventSource;
  const record = { urls: [], frames: [] };
  window.__sse = record;
  window.EventSource = class RecordingEventSource extends Native {
    constructor(url, init) {
      super(url, init);
      const conn = record.urls.push(String(url)) - 1;
      const onFrame = (ev) => record.frames.push({ conn, id: ev.lastEventId, type: ev.type });
      for (const t of types) this.addEventListener(t, onFrame);
      this.addEventListener('message', onFrame);
    }
  };
}

// Records every status each table row shows (and whether its badge has a spinner), so short-lived
// states (launching, terminating) are checked without racing the page.
function recordCardStatuses() {
  const history = [];
  window.__cards = history;
  const note = (el) => {
    if (!(el instanceof Element) || !el.matches('tr.row')) return;
    const entry = {
      instanceId: el.getAttribute('data-instance-id'),
      requestId: el.getAttribute('data-request-id'),
      status: el.getAttribute('data-status'),
      spinner: el.querySelector('.badge .spinner') !== null,
      at: Date.now(),
    };
    const last = history.findLast((h) => h.requestId === entry.requestId && h.instanceId === entry.instanceId);
    if (!last || last.status !== entry.status || last.spinner !== entry.spinner) history.push(entry);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes') note(m.target);
      for (const n of m.addedNodes) {
        if (n instanceof Element) n.querySelectorAll('tr.row').forEach(note);
        note(n);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status', 'data-instance-id'] });
}

/** axe-core in the page: the serious and critical violations (WCAG 2.x A/AA and best practices). */
async function axeViolations(page, label) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  log(`axe (${label}): ${violations.length} violations, ${bad.length} serious/critical` +
    (violations.length ? ` — ${violations.map((v) => `${v.id}(${v.impact})`).join(', ')}` : ''));
  return bad;
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  const me = await api('GET', '/api/client/me');
  const ref = referenceSubscriber(me.client_id);
  await Promise.race([ref.ready, sleep(10_000).then(() => Promise.reject(new Error('reference stream did not open')))]);
  const proxy = await startProxy(BASE);
  log(`API ${BASE}, page through proxy ${proxy.url}, client ${me.client_id}`);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pageErrors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(30_000);
    await context.addInitScript(recordEventSources, EVENT_TYPES);
    await context.addInitScript(recordCardStatuses);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') log(`  browser ${m.type()}: ${m.text()}`);
    });
    const shot = async (name) => {
      const file = path.join(SHOTS, name);
      await page.screenshot({ path: file, fullPage: true });
      log(`  screenshot ${file}`);
    };
    const pill = page.locator('.pill[data-connection]');
    const statusesShown = (requestId) =>
      page.evaluate((id) => window.__cards.filter((h) => h.requestId === id), requestId);
    const connection = () => pill.getAttribute('data-connection');

    // --- 1. Sign in ------------------------------------------------------------------------------
    await page.goto(proxy.url + '/');
    await page.getByLabel('Client token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.pill[data-connection="live"]').waitFor();
    await page.locator(`select option[value="${AGENT}"]`).waitFor({ state: 'attached' });
    log(`signed in as ${me.name}; live`);

    // --- 2. Launch from the form: spinner, then running with a duration -----------------------------
    const launchThroughForm = async (instanceType, role) => {
      await page.getByLabel('Agent', { exact: true }).selectOption(AGENT);
      await page.getByLabel('Instance type', { exact: true }).fill(instanceType);
      await page.getByLabel(role === 'primary' ? 'Primary' : 'Replica', { exact: true }).check();
      const requestSent = page.waitForRequest((r) => r.url().endsWith('/api/client/instances/launch') && r.method() === 'POST');
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/client/instances/launch'));
      await page.getByRole('button', { name: 'Launch instance' }).click();
      const requestId = JSON.parse((await requestSent).postData()).request_id;
      const card = page.locator(`tr.row[data-request-id="${requestId}"]`);
      // The row is there at once (optimistic), with a spinner.
      await card.locator('.badge .spinner').waitFor({ state: 'visible', timeout: 5_000 });
      check((await card.getAttribute('data-status')) === 'launching', 'a new row is launching');
      await page.screenshot({ path: path.join(SHOTS, '.optimistic.png'), fullPage: true });
      const response = await answered;
      check(response.status() === 202, `launch answered ${response.status()}`);
      const instanceId = (await response.json()).instance_id;
      return { requestId, instanceId, card: page.locator(`tr.row[data-instance-id="${instanceId}"]`) };
    };

    const first = await launchThroughForm('t3.micro', 'primary');
    await first.card.waitFor();
    if ((await first.card.getAttribute('data-status')) === 'launching') {
      log(`launching ${first.instanceId}: spinner visible`);
      await shot('fleet-1-launching.png');
    } else {
      log(`launch of ${first.instanceId} was confirmed before the 202 was read: the screenshot shows the row before it`);
      await fs.promises.copyFile(path.join(SHOTS, '.optimistic.png'), path.join(SHOTS, 'fleet-1-launching.png'));
    }
    await page.locator(`tr.row[data-instance-id="${first.instanceId}"][data-status="running_primary"]`).waitFor();
    const shown = await statusesShown(first.requestId);
    check(shown.some((h) => h.status === 'launching' && h.spinner && h.instanceId === first.instanceId),
      `the row showed "launching" with a spinner once the server had the instance (${JSON.stringify(shown)})`);
    check(shown.at(-1).status === 'running_primary' && !shown.at(-1).spinner, 'then "running" without a spinner');
    check((await first.card.locator('.badge .spinner').count()) === 0, 'no spinner once running');
    const launchedIn = await first.card.locator('.col-launch').textContent();
    check(/^\d+(\.\d)? s$/.test(launchedIn ?? ''), `launch duration shown (got "${launchedIn}")`);
    const ec2First = (await first.card.locator('.row__ec2').textContent()).trim();
    check(/^i-[0-9a-f]{17}$/.test(ec2First), `EC2 id shown (got "${ec2First}")`);
    log(`running as ${ec2First}, "${launchedIn}"`);
    await shot('fleet-2-running.png');

    // --- 3. Detail by keyboard, then terminate there: two clicks, spinner, terminated, timeline live ---------
    await page.locator('tr.row[tabindex="0"]').focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 50 && (await page.evaluate(() => document.activeElement?.getAttribute('data-instance-id'))) !== first.instanceId; i++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    const detail = page.locator(`aside.detail[data-instance-id="${first.instanceId}"]`);
    await detail.waitFor();
    check(new URL(page.url()).searchParams.get('open') === first.instanceId, `the URL names the open instance (${page.url()})`);
    const timelineTypes = () => detail.locator('.timeline__item').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    await detail.locator('.timeline__item[data-type="INSTANCE_RUNNING"]').waitFor();
    check((await timelineTypes())[0] === 'INSTANCE_LAUNCHING', `the timeline starts with the launch (${await timelineTypes()})`);
    await shot('fleet-6-detail.png');
    await detail.getByRole('button', { name: 'Terminate', exact: true }).click();
    await detail.getByRole('button', { name: 'Confirm terminate', exact: true }).click();
    await page.locator(`tr.row[data-instance-id="${first.instanceId}"][data-status="terminated"]`).waitFor();
    const ended = (await statusesShown(first.requestId)).map((h) => `${h.status}${h.spinner ? '+spinner' : ''}`);
    check(ended.slice(-2).join(' ') === 'terminating+spinner terminated',
      `the row went running → terminating (spinner) → terminated (${ended.join(' → ')})`);
    const terminatedIn = await first.card.locator('.col-termination').textContent();
    check(/^\d+(\.\d)? s$/.test(terminatedIn ?? ''), `termination duration shown (got "${terminatedIn}")`);
    await detail.locator('.timeline__item[data-type="INSTANCE_TERMINATED"]').waitFor({ timeout: 10_000 });
    const live = await timelineTypes();
    check(live.includes('INSTANCE_TERMINATING') && live.at(-1) === 'INSTANCE_TERMINATED',
      `the open timeline gained the termination live (${live.join(', ')})`);
    log(`terminated from the detail panel in ${terminatedIn}; its timeline: ${live.join(' → ')}`);
    await detail.getByRole('button', { name: 'Close instance details' }).click();
    await detail.waitFor({ state: 'detached' });

    // --- 4. Kill the stream mid-launch; changes happen while it is down -------------------------------
    const second = await launchThroughForm('t3.small', 'replica');
    await second.card.waitFor();
    const listsBefore = proxy.state.lists;
    const framesBeforeCut = await page.evaluate(() => window.__sse.frames.length);
    const cut = proxy.cut();
    check(cut === 1, `exactly one open stream to cut (was ${cut})`);
    await page.locator('.pill[data-connection="reconnecting"]').waitFor({ timeout: 10_000 });
    await page.locator('.banner--connection').waitFor();
    log(`stream cut while ${second.instanceId} is launching; the page shows Reconnecting…`);
    await shot('fleet-3-reconnecting.png');

    const third = await api('POST', '/api/client/instances/launch', {
      agent_id: AGENT, instance_type: 'm5.large', role: 'primary', request_id: `e2e-while-down-${Date.now()}`,
    });
    const secondRunning = await awaitServerStatus(second.instanceId, 'running_replica');
    const thirdRunning = await awaitServerStatus(third.instance_id, 'running_primary');
    await api('POST', `/api/client/instances/${second.instanceId}/terminate`);
    const secondTerminated = await awaitServerStatus(second.instanceId, 'terminated');
    log(`while down: ${secondRunning.ec2_instance_id} ran and was terminated, ${thirdRunning.ec2_instance_id} launched and runs`);

    // Nothing of it reached the page: the stream really was down.
    check((await second.card.getAttribute('data-status')) === 'launching', 'the page did not see the missed changes');
    check((await page.locator(`tr.row[data-instance-id="${third.instance_id}"]`).count()) === 0,
      'the page does not know the instance launched while it was cut off');
    check(['reconnecting', 'offline'].includes(await connection()), 'still not live while the stream is down');
    check(proxy.state.refused >= 1, `the page tried to reconnect while down (${proxy.state.refused} refused)`);
    const lastIdBeforeCut = await page.evaluate(
      (n) => window.__sse.frames.slice(0, n).filter((f) => f.type !== 'HEARTBEAT').map((f) => Number(f.id)).pop() ?? null,
      framesBeforeCut,
    );

    // --- 5. Restore: back to live, every missed change shown --------------------------------------
    proxy.restore();
    const restoredAt = Date.now();
    await page.locator('.pill[data-connection="live"]').waitFor({ timeout: 15_000 });
    log(`live again ${Date.now() - restoredAt} ms after the stream was allowed back`);
    await page.locator(`tr.row[data-instance-id="${second.instanceId}"][data-status="terminated"]`).waitFor({ timeout: 10_000 });
    const thirdCard = page.locator(`tr.row[data-instance-id="${third.instance_id}"][data-status="running_primary"]`);
    await thirdCard.waitFor({ timeout: 10_000 });
    check(/^\d/.test((await thirdCard.locator('.col-launch').textContent()) ?? ''), 'replayed launch shows its duration');
    check((await page.locator('.banner--connection').count()) === 0, 'the reconnecting banner is gone');
    const activity = await page.locator('.activity__text').allTextContents();
    const mustSee = [
      `${secondRunning.ec2_instance_id} (t3.small) is running`,
      `${secondTerminated.ec2_instance_id} (t3.small) is terminated`,
      `${thirdRunning.ec2_instance_id} (m5.large) is running`,
    ];
    for (const text of mustSee) {
      check(activity.some((a) => a.startsWith(text)), `activity log has "${text}…" (got ${JSON.stringify(activity)})`);
    }
    check(proxy.state.lists === listsBefore, `recovered from the stream's replay, not a re-list (${proxy.state.lists - listsBefore} re-lists)`);
    log('every missed change is on the page (table and activity log)');

    // --- 6. Nothing missed, nothing twice --------------------------------------------------------
    await sleep(500); // the reference subscriber is never behind the page, but give it a moment
    const sse = await page.evaluate(() => window.__sse);
    const pageFrames = sse.frames.filter((f) => f.type !== 'HEARTBEAT').map((f) => ({ ...f, id: Number(f.id) }));
    const ids = pageFrames.map((f) => f.id);
    for (let i = 1; i < ids.length; i++) check(ids[i] > ids[i - 1], `frame ids strictly increase (${ids[i - 1]} then ${ids[i]})`);
    const from = Number(new URL(sse.urls[0], proxy.url).searchParams.get('last_event_id') ?? 0);
    const lastId = ids.at(-1);
    const expected = ref.frames.filter((f) => f.id > from && f.id <= lastId).map((f) => f.id);
    check(JSON.stringify(ids) === JSON.stringify(expected),
      `the page got exactly the reference subscriber's frames after ${from}: page ${JSON.stringify(ids)}, reference ${JSON.stringify(expected)}`);
    const resumedUrl = new URL(sse.urls.at(-1), proxy.url);
    check(Number(resumedUrl.searchParams.get('last_event_id')) === lastIdBeforeCut,
      `the stream resumed after the last frame before the cut (${resumedUrl.searchParams.get('last_event_id')} vs ${lastIdBeforeCut})`);
    const replayed = pageFrames.filter((f) => f.conn === sse.urls.length - 1).map((f) => f.type);
    for (const t of ['INSTANCE_RUNNING', 'INSTANCE_LAUNCHING', 'INSTANCE_TERMINATING', 'INSTANCE_TERMINATED']) {
      check(replayed.includes(t), `the resumed stream replayed ${t} (got ${replayed.join(', ')})`);
    }
    log(`frames ${from + 1}…${lastId}: ${ids.length} on the page = ${expected.length} at the reference; ` +
      `${sse.urls.length} stream connections, resumed from ${lastIdBeforeCut}, replayed ${replayed.length}`);

    await page.locator('.pill[data-connection="live"]').waitFor();
    await shot('fleet-4-recovered-laptop.png');

    // --- 7. Filters and search, kept in the URL ----------------------------------------------------
    const rowStatuses = () => page.locator('tr.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    await page.locator('.count[data-group="ended"]').click();
    await page.waitForURL((u) => u.searchParams.get('status') === 'ended');
    let statuses = await rowStatuses();
    check(statuses.length >= 2 && statuses.every((st) => st === 'terminated'), `the "ended" filter shows only ended rows (${statuses})`);
    await shot('fleet-7-filtered.png');
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('status'));
    statuses = await rowStatuses();
    check(statuses.includes('running_primary'), `back: every status again (${statuses})`);
    await page.getByLabel('Search', { exact: true }).fill(thirdRunning.ec2_instance_id);
    await page.waitForURL((u) => u.searchParams.get('q') === thirdRunning.ec2_instance_id);
    await page.waitForFunction((id) => [...document.querySelectorAll('tr.row')].every((r) => r.getAttribute('data-instance-id') === id), third.instance_id);
    await page.reload();
    await page.locator(`tr.row[data-instance-id="${third.instance_id}"]`).waitFor();
    check((await page.locator('tr.row').count()) === 1, 'after a reload the search still applies');
    check((await page.getByLabel('Search', { exact: true }).inputValue()) === thirdRunning.ec2_instance_id, 'the search box shows it');
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.waitForURL((u) => !u.searchParams.has('q'));
    await page.locator('.pill[data-connection="live"]').waitFor();
    log('status filter, back, search and reload keep the URL and the rows in step');

    // --- 8. Bulk terminate: two selected, one confirmation -----------------------------------------
    const bulkIds = [];
    for (const type of ['t3.nano', 't3.nano']) {
      const launched = await api('POST', '/api/client/instances/launch', {
        agent_id: AGENT, instance_type: type, role: 'primary', request_id: `e2e-bulk-${bulkIds.length}-${Date.now()}`,
      });
      bulkIds.push(launched.instance_id);
    }
    const bulkEc2 = [];
    for (const id of bulkIds) bulkEc2.push((await awaitServerStatus(id, 'running_primary')).ec2_instance_id);
    for (const ec2 of bulkEc2) {
      await page.locator(`tr.row[data-status="running_primary"] .row__ec2:text-is("${ec2}")`).waitFor();
      await page.getByLabel(`Select ${ec2}`, { exact: true }).check();
    }
    const terminateRequests = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/terminate')) terminateRequests.push(JSON.parse(r.postData() ?? '{}').request_id);
    });
    const bulk = page.getByRole('region', { name: 'Bulk actions' });
    await bulk.getByRole('button', { name: 'Terminate selected' }).click();
    await bulk.getByRole('button', { name: 'Confirm terminate 2' }).click();
    await bulk.getByText('2 terminations accepted').waitFor();
    for (const id of bulkIds) await page.locator(`tr.row[data-instance-id="${id}"][data-status="terminated"]`).waitFor({ timeout: 20_000 });
    check(terminateRequests.length === 2 && new Set(terminateRequests).size === 2 && terminateRequests.every(Boolean),
      `one request id per instance (${terminateRequests})`);
    log(`bulk terminate: ${bulkEc2.join(', ')} terminated with request ids ${terminateRequests.join(', ')}`);

    // --- 9. Accessibility: axe-core on the table, and with the detail panel open --------------------
    let bad = await axeViolations(page, 'table');
    await page.locator(`tr.row[data-instance-id="${bulkIds[0]}"] .row__link`).click();
    await page.locator('aside.detail .timeline__item').first().waitFor();
    bad = bad.concat(await axeViolations(page, 'detail open'));
    check(bad.length === 0, `no serious or critical accessibility violations: ${JSON.stringify(bad)}`);
    await page.getByRole('button', { name: 'Close instance details' }).click();

    await page.setViewportSize({ width: 390, height: 844 });
    await sleep(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `no horizontal scrolling at phone width (overflows by ${overflow}px)`);
    await shot('fleet-5-phone.png');

    await fs.promises.rm(path.join(SHOTS, '.optimistic.png'), { force: true });
    check(pageErrors.length === 0, `no uncaught page errors (${pageErrors.join('; ')})`);
    await context.close();
  } finally {
    await browser.close();
    ref.stop();
    await proxy.close();
  }
  log('fleet page e2e OK');
}

const guard = setTimeout(() => fail(`timed out after ${TIMEOUT_MS} ms`), TIMEOUT_MS);
main()
  .then(() => {
    clearTimeout(guard);
    process.exit(0);
  })
  .catch((e) => fail(e?.stack ?? String(e)));
