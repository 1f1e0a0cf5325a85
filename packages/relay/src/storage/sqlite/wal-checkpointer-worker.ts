/**
 * WAL checkpointing on its own thread and connection. With auto-checkpoint off, the WAL is
 * copied back into the database here, in PASSIVE mode: it never waits for or blocks a writer,
 * so the log writer's commits are not stalled behind checkpoint I/O. The writer restarts the
 * WAL from its beginning once a checkpoint has caught up.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new Database(path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort?.postMessage({ type: 'error', message: `WAL checkpoint failed: ${(error as Error).message}` });
  }
}, intervalMs);
parentPort?.on('message', (message: { type: string }) => {
  if (message.type !== 'close') return;
  clearInterval(timer);
  db.pragma('wal_checkpoint(PASSIVE)');
  db.close();
  parentPort?.close();
});
