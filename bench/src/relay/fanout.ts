/**
 * Fan-out to 100 subscribers: deliveries per second through the relay (each envelope durably
 * committed, then sent to every subscriber) and through a raw `ws` broadcast server, same
 * message count and size, both servers in their own process.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import type { RelaySocket } from '@hotline/relay/client';
import { benchEnvelope, type BenchDevice } from './harness.js';

export async function relayFanout(sender: BenchDevice, subscribers: readonly BenchDevice[], channel: Uint8Array, count: number, messages: number): Promise<number> {
  const sockets: RelaySocket[] = [];
  for (let i = 0; i < count; i++) sockets.push(await subscribers[i % subscribers.length]!.client.connect());
  let delivered = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const target = count * messages;
  for (const s of sockets) {
    s.onDelivery = () => {
      if (++delivered === target) done();
    };
  }
  const out = await sender.client.connect();
  const from = (await out.subscribe(channel, 1)) + 1;
  await Promise.all(sockets.map((s) => s.subscribe(channel, from)));
  const start = performance.now();
  let next = 0;
  const window = async () => {
    while (next < messages) await out.submit(benchEnvelope(channel, 2e12 + next++));
  };
  await Promise.all(Array.from({ length: 64 }, window));
  await all;
  const rate = (target * 1000) / (performance.now() - start);
  await Promise.all([...sockets, out].map((s) => s.close()));
  return rate;
}

export async function rawWsFanout(count: number, messages: number): Promise<number> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'ws-broadcast-server.js');
  const server = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => server.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    const open = () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
    const subscribers: WebSocket[] = [];
    for (let i = 0; i < count; i++) subscribers.push(await open());
    const sender = await open();
    let delivered = 0;
    const target = count * messages;
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    for (const s of subscribers) s.on('message', () => void (++delivered === target && done()));
    const body = benchEnvelope(new Uint8Array(16), 0);
    const start = performance.now();
    // Same pacing discipline as the relay run: at most 64 messages ahead of the slowest reader.
    for (let i = 0; i < messages; i++) {
      sender.send(body);
      while (i - Math.floor(delivered / count) > 64) await new Promise((r) => setImmediate(r));
    }
    await all;
    const rate = (target * 1000) / (performance.now() - start);
    for (const s of [...subscribers, sender]) s.close();
    return rate;
  } finally {
    server.kill('SIGTERM');
  }
}
