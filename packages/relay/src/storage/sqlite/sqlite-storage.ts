/**
 * The embedded backend: one SQLite file, owned by one relay process (docs/design/relay-sqlite.md).
 * Sequencing goes to the log writer thread (group commit, fsync off the main thread); reads,
 * channels and mailboxes use the main thread's own connection; integration, when started, runs
 * on a third thread. Several connections to one file stay consistent through SQLite's locking
 * (IMMEDIATE transactions, busy_timeout), which is what the conformance suite's races exercise.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Integration, IntegrationOptions, RelayStorage, Sequencing } from '../interfaces.js';
import { startIntegrationThread, WriterThreads } from './log-threads.js';
import { SqliteStore } from './sqlite-store.js';
import { channelStore, checkpointStore, directoryStore, logReader, mailboxStore } from './views.js';

export interface SqliteStorageOptions {
  /** Where thread failures are reported (they also make `sequencing.healthy` false). */
  readonly onError?: (message: string) => void;
}

export async function openSqliteStorage(path: string, options: SqliteStorageOptions = {}): Promise<RelayStorage> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // The main connection first: it creates or migrates the schema before the threads open it.
  const db = new SqliteStore(path);
  let writer: WriterThreads;
  try {
    writer = await WriterThreads.start(path, options.onError ?? (() => {}));
  } catch (error) {
    db.close();
    throw error;
  }
  const sequencing: Sequencing = {
    appendBatch: (items, receivedAt) => writer.append(items, receivedAt),
    logSize: () => Promise.resolve(writer.logSize),
    get healthy() {
      return writer.healthy;
    },
  };
  let integration: Integration | undefined;
  let closed: Promise<void> | undefined;
  return {
    description: `sqlite:${path}`,
    sequencing,
    log: logReader(db),
    tree: checkpointStore(db),
    directory: directoryStore(db),
    channels: channelStore(db),
    mailboxes: mailboxStore(db),
    async startIntegration(integrationOptions: IntegrationOptions): Promise<Integration> {
      if (integration !== undefined) throw new Error('integration is already running on this storage');
      integration = await startIntegrationThread(path, writer, integrationOptions);
      return integration;
    },
    close: () =>
      (closed ??= (async () => {
        await integration?.close(); // idempotent: the relay usually closed it already
        await writer.close();
        db.close();
      })()),
  };
}
