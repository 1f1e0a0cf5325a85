/**
 * Integration on its own thread (see integrator.ts): folding entries into tiles, hashing and
 * signing happen here, off the write path. Its writes go to the log writer thread over a
 * direct MessagePort, so the database keeps a single writing connection: two writers would
 * meet SQLite's busy handler, which sleeps whole milliseconds on every conflict.
 *
 * Messages in:  { type: 'grew', size } | { type: 'close', size }
 * Messages out: { type: 'ready', checkpoint } | { type: 'checkpoint', size, note }
 *               | { type: 'error', message } | { type: 'closed' }
 * On the writer port: → { id, tiles, treeSize, expectedSize, note }  ← { id, stored }
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { KeyType, signerKeyFromSeed, type Tile } from '@hotline/log';
import { Integrator } from '../../integrator.js';
import { SqliteStore } from './sqlite-store.js';
import { checkpointStore, logReader } from './views.js';

const port = parentPort!;
const init = workerData as { path: string; keyName: string; keySeed: Uint8Array; checkpointIntervalMs: number; logSize: number; writer: MessagePort };
const store = new SqliteStore(init.path);
let nextId = 1;
const waiting = new Map<number, (stored: boolean) => void>();
init.writer.on('message', (m: { id: number; stored: boolean }) => {
  waiting.get(m.id)?.(m.stored);
  waiting.delete(m.id);
});
const persist = (tiles: readonly Tile[], treeSize: number, expectedSize: number | undefined, note: string) =>
  new Promise<boolean>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    init.writer.postMessage({ id, tiles, treeSize, expectedSize, note });
  });

const integrator = await Integrator.open({ log: logReader(store), tree: { ...checkpointStore(store), integrate: persist } }, signerKeyFromSeed(init.keyName, KeyType.ed25519, init.keySeed), {
  intervalMs: init.checkpointIntervalMs,
  logSize: Math.max(init.logSize, store.logSize()),
  onCheckpoint: (size, note) => port.postMessage({ type: 'checkpoint', size, note }),
  onError: (error) => port.postMessage({ type: 'error', message: error.message }),
});
// 'ready' first: the main thread treats the first message as the start-up report.
port.postMessage({ type: 'ready', checkpoint: integrator.checkpoint });
integrator.start();

port.on('message', async (message: { type: 'grew' | 'close'; size: number }) => {
  integrator.notify(message.size);
  if (message.type === 'grew') return;
  await integrator.settle(); // an integration in progress may predate the last batch
  await integrator.integrate(); // a final checkpoint covering everything sequenced
  integrator.stop();
  store.close();
  init.writer.close();
  port.postMessage({ type: 'closed' });
  port.close();
});
