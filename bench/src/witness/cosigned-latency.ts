/**
 * Time from an envelope's receipt to a checkpoint covering it that both party witnesses have
 * cosigned (the relay's /v1/quorum-checkpoint), with the relay and two `hotline witness`
 * processes on this machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVerifierKey, parseCheckpoint, parseNote, verifierKeyOf } from '@hotline/log';
import { generatePartyRoot } from '@hotline/protocol';
import { spawnHotlineProcess, spawnRelayProcess, stopRelayProcess, type HotlineProcess } from '@hotline/relay/child';
import { benchEnvelope, enrolDevices, HOTLINE_BIN, openChannel, type BenchRelay } from '../relay/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function cosignedLatency(ratePerSecond: number, durationMs: number): Promise<number[]> {
  const dirs = [0, 1, 2].map((i) => mkdtempSync(join(tmpdir(), `hotline-bench-cosign-${i}-`)));
  const root = generatePartyRoot('bench');
  const processes: HotlineProcess[] = [];
  try {
    const relayArgs = ['--data', dirs[0]!, '--listen', '127.0.0.1:0', '--party', formatVerifierKey(verifierKeyOf(root)), '--rate', '1000000', '--burst', '1000000'];
    const first = await spawnRelayProcess(HOTLINE_BIN, relayArgs);
    await stopRelayProcess(first);
    const witnesses = await Promise.all([1, 2].map((i) => spawnHotlineProcess(HOTLINE_BIN, 'witness', ['--data', dirs[i]!, '--listen', '127.0.0.1:0', '--log', first.logKey])));
    processes.push(...witnesses);
    const relayProcess = await spawnRelayProcess(HOTLINE_BIN, [...relayArgs, ...witnesses.flatMap((w) => ['--witness', `${w.url}=${w.info['vkey']}`])]);
    processes.push(relayProcess);
    const relay: BenchRelay = { process: relayProcess, url: relayProcess.url, root, close: async () => undefined };
    const [device] = await enrolDevices(relay, 1);
    const channel = await openChannel(device!);
    const socket = await device!.client.connect();
    const receiptAt = new Map<number, number>();
    const covered: number[] = [];
    let running = true;
    let deadline = Infinity;
    const poller = (async () => {
      let size = 0;
      while (running || receiptAt.size > 0) {
        const response = await fetch(`${relay.url}/v1/quorum-checkpoint`);
        const text = await response.text();
        const note = response.ok ? parseNote(text) : undefined;
        const cp = note?.ok ? parseCheckpoint(note.value.text) : undefined;
        if (cp?.ok && cp.value.size > size) {
          size = cp.value.size;
          const now = performance.now();
          for (const [index, at] of receiptAt) if (index < size) (covered.push(now - at), receiptAt.delete(index));
        }
        await sleep(10);
        if (!running && performance.now() > deadline) break;
      }
    })();
    const start = performance.now();
    let sent = 0;
    const pending: Promise<void>[] = [];
    while (performance.now() - start < durationMs) {
      pending.push(socket.submit(benchEnvelope(channel, 5e12 + sent++)).then((r) => void receiptAt.set(r.logIndex, performance.now())));
      await sleep(Math.max(0, start + (sent * 1000) / ratePerSecond - performance.now()));
    }
    await Promise.all(pending);
    deadline = performance.now() + 5000;
    running = false;
    await poller;
    await socket.close();
    return covered.sort((a, b) => a - b);
  } finally {
    for (const p of processes) await stopRelayProcess(p);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
