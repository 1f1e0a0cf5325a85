/**
 * Opening a home's archive for a record export, without the device key or the relay: an export
 * only reads, so it needs no passphrase, takes no write lock, and runs beside the home's running
 * terminal (SQLite WAL: one read transaction sees one consistent state while the service writes).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Archive } from '../archive/archive.js';
import { LogHashes } from '../archive/log-hashes.js';
import { Charters } from '../channel/charters.js';
import { Directory } from '../directory/directory.js';
import { HotlineError } from '../errors.js';
import { openTerminalDb } from '../store/terminal-db.js';
import type { RecordSource } from './export.js';

export interface OpenedRecordSource extends RecordSource {
  /** Runs `work` in one read transaction: everything it reads is one state of the archive. */
  snapshot<T>(work: () => Promise<T>): Promise<T>;
  close(): void;
}

export function openRecordSource(home: string): OpenedRecordSource {
  const path = join(home, 'terminal.db');
  if (!existsSync(path)) throw new HotlineError('not_set_up', `${home} has no archive yet (no terminal.db): set the terminal up and let it sync a channel before exporting one`);
  const db: Database.Database = openTerminalDb(path);
  const source = { archive: new Archive(db), directory: new Directory(db, () => new Map()), logHashes: new LogHashes(db), charters: new Charters(db) };
  return {
    ...source,
    async snapshot(work) {
      db.exec('BEGIN');
      try {
        return await work();
      } finally {
        db.exec('COMMIT');
      }
    },
    close: () => db.close(),
  };
}
