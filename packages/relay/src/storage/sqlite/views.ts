/**
 * The storage interfaces over one synchronous SQLite connection. better-sqlite3 answers
 * immediately; wrapping in promises costs a microtask and lets SQLite and a networked backend
 * share callers. Reads and the small writes (channels, mailboxes) run on the calling thread's
 * own connection; sequencing never does (it is the writer thread's, see sqlite-storage.ts).
 */
import type { ChannelStore, CheckpointStore, DirectoryStore, LogReader, MailboxStore } from '../interfaces.js';
import type { SqliteStore } from './sqlite-store.js';

/** Runs a synchronous call as a promise, so a thrown error becomes a rejection. */
function later<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

async function* each<T>(rows: Iterable<T>): AsyncIterable<T> {
  yield* rows;
}

export function logReader(db: SqliteStore): LogReader {
  return {
    readRecords: (from, to) => later(() => db.readRecords(from, to)),
    readStream: (tag, fromSeq, limit) => later(() => db.readStream(tag, fromSeq, limit)),
    lastSeq: (tag) => later(() => db.lastSeq(tag)),
  };
}

export function checkpointStore(db: SqliteStore): CheckpointStore {
  return {
    integratedSize: () => later(() => db.integratedSize()),
    integrate: (tiles, treeSize, expectedSize, note) => later(() => db.integrate(tiles, treeSize, expectedSize, note)),
    getTile: (level, index) => later(() => db.getTile(level, index)),
    checkpoint: () => later(() => db.checkpoint()),
  };
}

export function directoryStore(db: SqliteStore): DirectoryStore {
  return { device: (key) => later(() => db.device(key)), devices: () => each(db.devices()), revocation: (hash) => later(() => db.revocation(hash)) };
}

export function channelStore(db: SqliteStore): ChannelStore {
  return {
    channel: (id) => later(() => db.channel(id)),
    putChannel: (channel) => later(() => db.putChannel(channel)),
    memberships: () => each(db.memberships()),
  };
}

export function mailboxStore(db: SqliteStore): MailboxStore {
  return {
    putMail: (recipient, kind, sender, body, createdAt, max) => later(() => db.putMail(recipient, kind, sender, body, createdAt, max)),
    listMail: (recipient, kind, limit) => later(() => db.listMail(recipient, kind, limit)),
    deleteMail: (recipient, id) => later(() => db.deleteMail(recipient, id)),
    takeMail: (recipient, kind) => later(() => db.takeMail(recipient, kind)),
  };
}
