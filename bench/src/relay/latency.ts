/**
 * Send → deliver latency under load, and append → checkpoint coverage, in one run.
 *
 * Load: a background sender keeps `ratePerSecond − probeRate` envelopes/s flowing on its own
 * channel. Probes: a second sender sends single envelopes, evenly spaced at `probeRate`/s, on a
 * probe channel; a subscriber (same process, same clock) timestamps each delivery. Measuring
 * spaced probes, not the background bursts, keeps the load generator's own batching out of the
 * figure. A poller watches /checkpoint and marks each probe's log index covered when a
 * checkpoint's size passes it.
 */
import { parseCheckpoint, parseNote } from '@hotline/log';
import type { RelaySocket } from '@hotline/relay/client';
import { percentile } from '../measure.js';
import { benchEnvelope, envelopeStamp, openChannel, type BenchDevice } from './harness.js';

export interface LatencyResult {
  readonly deliverMs: readonly number[];
  readonly checkpointMs: readonly number[];
  readonly probes: number;
  readonly background: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function background(socket: RelaySocket, channel: Uint8Array, perSecond: number, until: () => boolean): Promise<number> {
  let sent = 0;
  const start = performance.now();
  const pending: Promise<unknown>[] = [];
  while (!until()) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    while (sent < due) pending.push(socket.submit(benchEnvelope(channel, 3e12 + sent++)));
    await sleep(2);
  }
  await Promise.all(pending);
  return sent;
}

function pollCheckpoints(url: string, receiptAt: Map<number, number>, coveredMs: number[], running: () => boolean): Promise<void> {
  return (async () => {
    let covered = 0;
    while (running()) {
      const note = parseNote(await (await fetch(`${url}/checkpoint`)).text());
      const checkpoint = note.ok ? parseCheckpoint(note.value.text) : undefined;
      if (checkpoint?.ok && checkpoint.value.size > covered) {
        const now = performance.now();
        for (const [index, at] of receiptAt) {
          if (index < checkpoint.value.size) {
            coveredMs.push(now - at);
            receiptAt.delete(index);
          }
        }
        covered = checkpoint.value.size;
      }
      await sleep(10); // finer polling would load the measuring process itself
    }
  })();
}

export async function measureLatency(url: string, sender: BenchDevice, receiver: BenchDevice, ratePerSecond: number, durationMs: number, probeRate = 200): Promise<LatencyResult> {
  const probeChannel = await openChannel(sender, [receiver]);
  const loadChannel = await openChannel(sender);
  const probeSocket = await sender.client.connect();
  const loadSocket = await sender.client.connect();
  const inbound = await receiver.client.connect();
  const deliverMs: number[] = [];
  inbound.onDelivery = (frame) => deliverMs.push(performance.now() - envelopeStamp(frame.envelope).stamp);
  await inbound.subscribe(probeChannel, 1);

  const receiptAt = new Map<number, number>();
  const checkpointMs: number[] = [];
  let done = false;
  const poller = pollCheckpoints(url, receiptAt, checkpointMs, () => !done);
  const load = background(loadSocket, loadChannel, ratePerSecond - probeRate, () => done);
  const start = performance.now();
  let probes = 0;
  const pending: Promise<void>[] = [];
  while (performance.now() - start < durationMs) {
    const stamp = performance.now();
    pending.push(probeSocket.submit(benchEnvelope(probeChannel, 4e12 + probes, stamp)).then((r) => void receiptAt.set(r.logIndex, performance.now())));
    probes++;
    await sleep(Math.max(0, start + (probes * 1000) / probeRate - performance.now()));
  }
  done = true;
  const backgroundSent = await load;
  await Promise.all(pending);
  const deadline = performance.now() + 3000;
  done = false;
  const finalPoll = pollCheckpoints(url, receiptAt, checkpointMs, () => receiptAt.size > 0 && performance.now() < deadline);
  while (deliverMs.length < probes && performance.now() < deadline) await sleep(10);
  await finalPoll;
  done = true;
  await poller;
  await Promise.all([probeSocket, loadSocket, inbound].map((s) => s.close()));
  return { deliverMs: deliverMs.sort((a, b) => a - b), checkpointMs: checkpointMs.sort((a, b) => a - b), probes, background: backgroundSent };
}

export function summarise(samples: readonly number[]): { p50: number; p99: number; p999: number } {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), p999: percentile(samples, 99.9) };
}
