/**
 * Relay figures (issue 3), side by side in one run: durable envelopes/s with 1, 16 and 256
 * clients against raw SQLite and NATS JetStream; send → deliver latency at 1,000 msg/s;
 * fan-out to 100 subscribers against raw `ws`; append → checkpoint coverage.
 */
import type { Figure } from '../measure.js';
import type { SuiteReport } from '../report.js';
import { rawWsFanout, relayFanout } from '../relay/fanout.js';
import { enrolDevices, openChannel, startBenchRelay } from '../relay/harness.js';
import { measureLatency, summarise } from '../relay/latency.js';
import { natsPublishAck, sqliteBatchedInserts } from '../relay/references.js';
import { measureThroughput } from '../relay/throughput.js';

export interface RelayBenchOptions {
  readonly durationMs: number;
  readonly fanoutMessages: number;
}

function log(message: string): void {
  process.stderr.write(`[bench relay] ${message}\n`);
}

export async function relaySuite(options: RelayBenchOptions): Promise<SuiteReport> {
  const figures: Figure[] = [];
  log('references: raw SQLite (100 rows/txn, synchronous=FULL) and NATS JetStream publish-ack…');
  const sqlite = sqliteBatchedInserts(options.durationMs);
  const nats = await natsPublishAck(options.durationMs, 256);

  const relay = await startBenchRelay();
  try {
    const devices = await enrolDevices(relay, 16);
    const channels = await Promise.all(devices.map((d) => openChannel(d)));
    const setup = { devices, channels };
    const rates: Record<string, number> = {};
    for (const [clients, window] of [[1, 1], [16, 1], [256, 1], [16, 64]] as const) {
      log(`throughput: ${clients} client(s), ${window} in flight each…`);
      rates[`${clients}x${window}`] = await measureThroughput(setup, clients, window, options.durationMs);
    }
    const best = Math.max(...Object.values(rates));
    figures.push(
      { name: 'envelopes/s durable, 1 client (1 in flight)', value: rates['1x1']!, unit: 'env/s', note: 'receipt after fsync' },
      { name: 'envelopes/s durable, 16 clients (1 in flight each)', value: rates['16x1']!, unit: 'env/s' },
      { name: 'envelopes/s durable, 256 clients (1 in flight each)', value: rates['256x1']!, unit: 'env/s' },
      { name: 'envelopes/s durable, 16 clients (64 in flight each)', value: rates['16x64']!, unit: 'env/s' },
      { name: 'reference: raw SQLite WAL, 100 rows/txn, fsync', value: sqlite, unit: 'rows/s', note: 'same machine, same run' },
      { name: 'reference: NATS JetStream publish-ack (256 in flight)', value: nats, unit: 'msg/s', note: '127.0.0.1:4222, file storage' },
    );

    log('latency at 1,000 msg/s and checkpoint coverage…');
    const [a, b] = devices;
    const latency = await measureLatency(relay.url, a!, b!, 1000, Math.max(4000, options.durationMs * 2));
    const deliver = summarise(latency.deliverMs);
    const covered = summarise(latency.checkpointMs);
    figures.push(
      { name: 'send → deliver p50 at 1,000 msg/s', value: deliver.p50, unit: 'ms', note: `${latency.deliverMs.length}/${latency.probes} probes + ${latency.background} background` },
      { name: 'send → deliver p99 at 1,000 msg/s', value: deliver.p99, unit: 'ms' },
      { name: 'send → deliver p99.9 at 1,000 msg/s', value: deliver.p999, unit: 'ms' },
      { name: 'receipt → covered by signed checkpoint p50', value: covered.p50, unit: 'ms', note: 'checkpoint every ≤250 ms; no witnesses yet' },
      { name: 'receipt → covered by signed checkpoint p99', value: covered.p99, unit: 'ms' },
    );

    log(`fan-out to 100 subscribers, ${options.fanoutMessages} messages…`);
    const fanChannel = await openChannel(a!, devices.slice(1));
    const viaRelay = await relayFanout(a!, devices.slice(1), fanChannel, 100, options.fanoutMessages);
    const viaWs = await rawWsFanout(100, options.fanoutMessages);
    figures.push(
      { name: 'fan-out deliveries/s, 100 subscribers, relay', value: viaRelay, unit: 'deliveries/s', note: 'each envelope durably committed first' },
      { name: 'fan-out deliveries/s, 100 subscribers, raw ws', value: viaWs, unit: 'deliveries/s', note: 'reference: broadcast only' },
    );
    return {
      suite: 'relay',
      figures,
      ratios: {
        'relay durable env/s (best) / NATS JetStream publish-ack': best / nats,
        'relay durable env/s (best) / raw SQLite batched inserts': best / sqlite,
        'relay fan-out / raw ws fan-out': viaRelay / viaWs,
      },
    };
  } finally {
    await relay.close();
  }
}
