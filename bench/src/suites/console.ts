/** Console figures (issue 13): first screen of a 10,000-message transcript, live event to DOM, alarm latency, page size. */
import { loadavg } from 'node:os';
import { percentile, type Figure } from '../measure.js';
import type { SuiteReport } from '../report.js';
import { consoleBench, type ConsoleBenchOptions } from '../console/console-bench.js';

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function consoleSuite(options: ConsoleBenchOptions): Promise<SuiteReport> {
  const load = loadavg()[0]!;
  const f = await consoleBench(options);
  const warm = f.lcpMs.slice(1);
  const worstWarm = Math.max(...warm);
  const p50 = percentile(f.liveLatencyMs, 50);
  const p99 = percentile(f.liveLatencyMs, 99);
  const sse50 = percentile(f.sseToDomMs, 50);
  const sse99 = percentile(f.sseToDomMs, 99);
  const gzipKB = f.gzipJsBytes / 1000;
  const figures: Figure[] = [
    { name: 'transcript size', value: f.messages, unit: 'messages', note: 'archived and verified before the page opens' },
    { name: 'first screen LCP, cold', value: f.lcpMs[0]!, unit: 'ms', note: 'the first load after Chromium started' },
    { name: 'first screen LCP, warm median', value: median(warm), unit: 'ms', note: `fresh browser context each; loads ${warm.map((v) => v.toFixed(0)).join(', ')}` },
    { name: 'first screen LCP, warm worst', value: worstWarm, unit: 'ms', note: 'largest contentful paint, from navigation (token → cookie → page)' },
    { name: 'first badge in the DOM, median', value: median(f.firstBadgeMs), unit: 'ms', note: `from navigation; loads ${f.firstBadgeMs.map((v) => v.toFixed(0)).join(', ')}` },
    ...Object.entries(f.apiMs).map(([name, ms]) => ({ name: `terminal answers ${name}`, value: ms, unit: 'ms', note: 'median of 5, from Node: what the first screen waits for' })),
    { name: 'SSE event → DOM p50', value: sse50, unit: 'ms', note: `${f.sseToDomMs.length} messages at ${options.ratePerSecond}/s: the event at the page's EventSource → its text in the DOM` },
    { name: 'SSE event → DOM p99', value: sse99, unit: 'ms', note: `max ${f.sseToDomMs.at(-1)?.toFixed(0) ?? '—'} ms` },
    { name: 'change feed → page EventSource p50', value: percentile(f.feedToSseMs, 50), unit: 'ms', note: `p99 ${percentile(f.feedToSseMs, 99).toFixed(0)} ms: the terminal's stream and the browser's network and event loop` },
    { name: 'change feed → DOM p50', value: p50, unit: 'ms', note: 'from the terminal\'s append to its change feed: the stream and the page together' },
    { name: 'change feed → DOM p99', value: p99, unit: 'ms', note: `max ${f.liveLatencyMs.at(-1)?.toFixed(0) ?? '—'} ms; ${f.liveMissed} never shown` },
    { name: 'alarm latency', value: f.alarmLatencyMs ?? Number.NaN, unit: 'ms', note: 'PRIORITY deadline (log receive time + charter seconds) → alarm banner in the DOM' },
    { name: 'page JavaScript, gzip', value: gzipKB, unit: 'KB', note: `${(f.jsBytes / 1000).toFixed(1)} KB before compression` },
    { name: 'load average at start', value: load, unit: '', note: 'browser, terminal, relay and the sender share 2 cores' },
  ];
  return {
    suite: 'console',
    figures,
    targets: [
      { name: 'first screen ≤ 500 ms (LCP, every warm load)', met: worstWarm <= 500, detail: `${worstWarm.toFixed(0)} ms worst of ${warm.length}` },
      { name: 'SSE event → DOM ≤ 50 ms p99 at 100 events/s', met: sse99 <= 50 && f.liveMissed === 0, detail: `${sse99.toFixed(1)} ms, ${f.liveMissed} missed; from the change feed ${p99.toFixed(1)} ms` },
      { name: 'alarm shown after its deadline', met: f.alarmLatencyMs !== null && f.alarmLatencyMs >= 0, detail: f.alarmLatencyMs === null ? 'no alarm shown' : `${f.alarmLatencyMs.toFixed(0)} ms after the deadline` },
      { name: 'page JavaScript ≤ 150 KB gzip', met: gzipKB <= 150, detail: `${gzipKB.toFixed(1)} KB` },
    ],
  };
}
