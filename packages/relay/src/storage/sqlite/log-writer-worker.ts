/**
 * The log writer thread: owns the group-commit write path. Commits fsync here, off the main
 * thread, so the relay keeps reading sockets and preparing the next batch while the disk syncs.
 *
 * It also performs the integrator thread's writes (tiles, integrated size, checkpoint), sent
 * over a direct MessagePort, between batches: one writing connection, no lock contention.
 *
 * Messages in:  { type: 'append', id, batch, receivedAt } | { type: 'integrator', port }
 *               | { type: 'close' }   (batch-codec.ts)
 * Messages out: { type: 'ready', logSize } | { type: 'appended', id, placed, logSize }
 *               | { type: 'failed', id, message } | { type: 'closed' }
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Tile } from '@hotline/log';
import { decodeBatch, encodePlaced, type EncodedBatch } from './batch-codec.js';
import { SqliteStore } from './sqlite-store.js';

type Message =
  | { type: 'append'; id: number; batch: EncodedBatch; receivedAt: number }
  | { type: 'integrator'; port: MessagePort }
  | { type: 'close' };

const port = parentPort!;
const init = workerData as { path: string };
const store = new SqliteStore(init.path);
let integrator: MessagePort | undefined;
port.postMessage({ type: 'ready', logSize: store.logSize() });

function serveIntegrator(channel: MessagePort): void {
  integrator = channel;
  channel.on('message', (m: { id: number; tiles: Tile[]; treeSize: number; expectedSize: number | undefined; note: string }) => {
    let stored = false;
    try {
      stored = store.integrate(m.tiles, m.treeSize, m.expectedSize, m.note);
    } catch {
      stored = false; // reported by the integrator as a failed compare-and-swap; it stops
    }
    channel.postMessage({ id: m.id, stored });
  });
}

port.on('message', (message: Message) => {
  if (message.type === 'integrator') return serveIntegrator(message.port);
  if (message.type === 'close') {
    // The integrator is closed first (its final checkpoint is written through us).
    integrator?.close();
    store.close();
    port.postMessage({ type: 'closed' });
    port.close();
    return;
  }
  try {
    const placed = encodePlaced(store.appendBatch(decodeBatch(message.batch), message.receivedAt));
    port.postMessage({ type: 'appended', id: message.id, placed, logSize: store.logSize() }, [placed]);
  } catch (error) {
    port.postMessage({ type: 'failed', id: message.id, message: (error as Error).message });
  }
});
