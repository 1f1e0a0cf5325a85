/**
 * The console in a real browser (issue 13): a receiving terminal that archived N messages runs
 * as `hotline terminal --console`, and Debian's Chromium opens its console.
 *
 * - First screen: each load is a fresh browser context navigating to a session URL (the token
 *   traded for the cookie, then the page, the board and the newest transcript); the figure is
 *   the largest contentful paint, and beside it when the first badge was in the DOM.
 * - Live events: with the page open, the sender posts messages at a steady rate; each one's
 *   latency runs from the moment the terminal appended it to its change feed (the feed row's
 *   time) to the moment its text was in the page's DOM (a MutationObserver), both on this
 *   machine's clock.
 * - Alarm: a PRIORITY message nobody acknowledges; from its deadline (the log's receive time
 *   plus the charter's seconds) to the alarm banner in the DOM.
 * - Size: the page's JavaScript, gzipped, as the browser downloads it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { decodeMessageBody, Precedence, StatementType } from '@hotline/protocol';
import { syncChannel } from '@hotline/terminal';
import { percentile } from '../measure.js';
import { MessagePoster, postMessages } from '../terminal/post.js';
import { twoParties, type TwoParties } from '../terminal/two-parties.js';
import { launchChromium } from './browser.js';
import { installProbes, largestContentfulPaint, type PageProbes } from './page-probes.js';
import { startConsoleProcess } from './terminal-process.js';

export interface ConsoleBenchOptions {
  /** Messages in the transcript before the page opens. */
  readonly messages: number;
  /** Fresh-context loads of the first screen. */
  readonly loads: number;
  /** Live messages, and how many per second. */
  readonly liveEvents: number;
  readonly ratePerSecond: number;
}

export interface ConsoleFigures {
  readonly messages: number;
  readonly lcpMs: readonly number[];
  readonly firstBadgeMs: readonly number[];
  readonly liveLatencyMs: readonly number[];
  /** The part of it from the event's arrival at the page's EventSource to the DOM. */
  readonly sseToDomMs: readonly number[];
  /** The part before: from the change feed to the page's EventSource. */
  readonly feedToSseMs: readonly number[];
  readonly liveMissed: number;
  readonly alarmLatencyMs: number | null;
  readonly gzipJsBytes: number;
  /** Median time of the terminal's answer to each first-screen request (Node client, no browser). */
  readonly apiMs: Readonly<Record<string, number>>;
  readonly jsBytes: number;
}

const ALARM_DEADLINE_S = 2;
const MARKER = 'bench-live-(\\d+)';
const log = (line: string) => process.stderr.write(`[bench console] ${line}\n`);
const PAGE_DIR = fileURLToPath(new URL('../../../../apps/console/dist/web/assets/', import.meta.url));

function pageScriptSizes(): { raw: number; gzip: number } {
  const files = readdirSync(PAGE_DIR).filter((f) => f.endsWith('.js'));
  if (files.length === 0) throw new Error(`no page scripts in ${PAGE_DIR}: run npm run build`);
  const bodies = files.map((f) => readFileSync(join(PAGE_DIR, f)));
  return { raw: bodies.reduce((n, b) => n + b.length, 0), gzip: bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0) };
}

async function archiveHistory(world: TwoParties, poster: MessagePoster, count: number): Promise<void> {
  log(`posting ${count.toLocaleString('en-US')} messages and verifying them at the receiver…`);
  const logSize = await postMessages(world, count, {}, poster);
  for (;;) {
    const size = Number((await world.client.text('/v1/quorum-checkpoint').catch(() => '')).split('\n')[1] ?? 0);
    if (size >= logSize) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await world.receiver.refresh();
  while ((world.receiver.archive.position(world.charter.channelId)?.nextSeq ?? 0) <= count + 1) {
    const outcome = await syncChannel(world.receiver, world.charter);
    if (outcome.alerts.length > 0) throw new Error(`unexpected alert: ${outcome.alerts[0]!.code}`);
  }
}

/** The feed time of each live message, by marker, and the receive time of the alarm's message. */
function feedTimes(world: TwoParties, fromFeed: number): { byMarker: Map<string, number>; seqOf: Map<string, number>; alarmReceivedAt: number | undefined } {
  const byMarker = new Map<string, number>();
  const seqOf = new Map<string, number>();
  let alarmReceivedAt: number | undefined;
  for (const e of world.receiver.archive.feed.after(fromFeed, 100_000)) {
    if (e.kind !== 'statement' || e.seq === null) continue;
    const stored = world.receiver.archive.at(world.charter.channelId, e.seq);
    if (stored === undefined || stored.statement.type !== StatementType.message) continue;
    const body = decodeMessageBody(stored.statement.body);
    if (!body.ok) continue;
    const marker = /bench-live-(\d+)/.exec(body.value.text)?.[1];
    if (marker !== undefined) {
      byMarker.set(marker, e.at);
      seqOf.set(marker, e.seq);
    }
    if (body.value.text.startsWith('bench-alarm')) alarmReceivedAt = stored.receivedAt;
  }
  return { byMarker, seqOf, alarmReceivedAt };
}

/** What the first screen asks the terminal for, each timed five times (median), without a browser. */
async function timeFirstScreenRequests(sessionUrl: string, world: TwoParties): Promise<Record<string, number>> {
  const url = new URL(sessionUrl);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')}` };
  const channel = Buffer.from(world.charter.channelId).toString('hex');
  const paths: Record<string, string> = { session: '/api/session', board: '/api/board', transcript: `/api/channels/${channel}/transcript?last=100`, page: '/' };
  const out: Record<string, number> = {};
  for (const [name, path] of Object.entries(paths)) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const res = await fetch(`${url.origin}${path}`, { headers });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      times.push(performance.now() - start);
    }
    out[name] = times.sort((a, b) => a - b)[2]!;
  }
  return out;
}

export async function consoleBench(options: ConsoleBenchOptions): Promise<ConsoleFigures> {
  const sizes = pageScriptSizes();
  const world = await twoParties('hotline-bench-console-', { ackDeadlines: [60, 60, ALARM_DEADLINE_S, 0] });
  const poster = await MessagePoster.open(world);
  try {
    await archiveHistory(world, poster, options.messages);
    const console_ = await startConsoleProcess(world.homes.receiver);
    const apiMs = await timeFirstScreenRequests(console_.sessionUrl, world);
    const browser = await launchChromium();
    try {
      const lcpMs: number[] = [];
      const firstBadgeMs: number[] = [];
      for (let i = 0; i < options.loads; i++) {
        // Each load finds the terminal idle, as a person opening the console would: the last
        // load's page (its own checks of what it showed, its read receipts) has finished.
        await new Promise((r) => setTimeout(r, 1500));
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.addInitScript(installProbes, MARKER);
        await page.goto(console_.sessionUrl);
        await page.waitForFunction(() => (window as unknown as { __hotlineBench: PageProbes }).__hotlineBench.firstBadgeMs !== null, undefined, { timeout: 30_000 });
        lcpMs.push(await page.evaluate(largestContentfulPaint));
        if (i === options.loads - 1) {
          // Where the first screen's time goes, for the last load: navigation, then each request.
          const timeline = await page.evaluate(() => {
            const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
            const rows = [`document ${nav.responseEnd.toFixed(0)} ms (redirect ${nav.redirectEnd.toFixed(0)}), DOMContentLoaded ${nav.domContentLoadedEventEnd.toFixed(0)} ms`];
            for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) rows.push(`${r.name.replace(location.origin, '').slice(0, 60)} ${r.startTime.toFixed(0)}–${r.responseEnd.toFixed(0)} ms`);
            return rows;
          });
          log(`first screen timeline:\n  ${timeline.slice(0, 14).join('\n  ')}`);
        }
        firstBadgeMs.push(await page.evaluate(() => (window as unknown as { __hotlineBench: PageProbes }).__hotlineBench.firstBadgeMs!));
        await context.close();
      }
      log(`first screen: LCP ${lcpMs.map((v) => v.toFixed(0)).join(', ')} ms`);

      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(installProbes, MARKER);
      await page.goto(console_.sessionUrl);
      await page.waitForFunction(() => (window as unknown as { __hotlineBench: PageProbes }).__hotlineBench.firstBadgeMs !== null, undefined, { timeout: 30_000 });
      const fromFeed = world.receiver.archive.feed.last();
      log(`live: ${options.liveEvents} messages at ${options.ratePerSecond}/s…`);
      const start = Date.now();
      const receipts: Promise<unknown>[] = [];
      for (let n = 0; n < options.liveEvents; n++) {
        const due = start + (n * 1000) / options.ratePerSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        receipts.push((await poster.submit(`bench-live-${n} a message of the live phase`)).receipt);
      }
      await Promise.all(receipts);
      const seenAll = () => page.evaluate((count) => Object.keys((window as unknown as { __hotlineBench: PageProbes }).__hotlineBench.seen).length >= count, options.liveEvents);
      for (let i = 0; i < 150 && !(await seenAll()); i++) await new Promise((r) => setTimeout(r, 100));

      log(`alarm: a PRIORITY due in ${ALARM_DEADLINE_S} s that nobody acknowledges…`);
      await (await poster.submit('bench-alarm PRIORITY nobody acknowledges', Precedence.priority)).receipt;
      await page.waitForFunction(() => (window as unknown as { __hotlineBench: PageProbes }).__hotlineBench.alarmAt !== null, undefined, { timeout: (ALARM_DEADLINE_S + 15) * 1000 }).catch(() => undefined);
      const probes = await page.evaluate(() => (window as unknown as { __hotlineBench: PageProbes }).__hotlineBench);
      await context.close();

      const { byMarker, seqOf, alarmReceivedAt } = feedTimes(world, fromFeed);
      const liveLatencyMs = [...byMarker].flatMap(([marker, at]) => (probes.seen[marker] === undefined ? [] : [probes.seen[marker]! - at])).sort((a, b) => a - b);
      const sseToDomMs = [...seqOf].flatMap(([marker, seq]) => {
        const arrived = probes.arrived[seq];
        const seen = probes.seen[marker];
        return arrived === undefined || seen === undefined ? [] : [seen - arrived];
      }).sort((a, b) => a - b);
      const feedToSseMs = [...seqOf].flatMap(([marker, seq]) => {
        const arrived = probes.arrived[seq];
        return arrived === undefined ? [] : [arrived - byMarker.get(marker)!];
      }).sort((a, b) => a - b);
      const alarmLatencyMs = probes.alarmAt === null || alarmReceivedAt === undefined ? null : probes.alarmAt - (alarmReceivedAt + ALARM_DEADLINE_S * 1000);
      return { messages: options.messages, lcpMs, firstBadgeMs, liveLatencyMs, sseToDomMs, feedToSseMs, liveMissed: options.liveEvents - liveLatencyMs.length, alarmLatencyMs, gzipJsBytes: sizes.gzip, jsBytes: sizes.raw, apiMs };
    } finally {
      await browser.close();
      await console_.stop();
    }
  } finally {
    await poster.close().catch(() => undefined);
    await world.close();
  }
}

export { percentile };
