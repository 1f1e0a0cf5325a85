/**
 * The terminal's one SQLite database (`<home>/terminal.db`, WAL, synchronous=FULL): archive,
 * directory, MLS state, outbox. One file so that what must change together — an MLS state
 * advanced by a message and the archive row of that message — commits in one transaction.
 *
 * Several processes may use one home (`hotline watch` in one shell, `hotline send` in
 * another). Every operation that reads and then replaces MLS state runs inside `exclusive`:
 * one in-process queue, and SQLite's write lock (BEGIN IMMEDIATE, waiting up to 30 s) across
 * processes, so two processes never advance the same ratchet from the same state.
 */
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { HotlineError } from '../errors.js';

/** How long a process waits for another's write lock on the home before it gives up. */
const BUSY_TIMEOUT_MS = 30_000;

/**
 * The error for a home whose write lock another process held for all of BUSY_TIMEOUT_MS
 * (SQLite's SQLITE_BUSY): named here, where the lock is taken, so callers read a code.
 */
export function homeBusy(cause: unknown): HotlineError {
  return new HotlineError('home_busy', `this home is busy: another hotline process has held it for ${BUSY_TIMEOUT_MS / 1000} s; try again`, {}, { cause });
}

/** True for better-sqlite3's error when the write lock stayed taken past the busy timeout. */
export function isSqliteBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_BUSY';
}

/**
 * Opens the database file, created 0600: it holds the plaintext archive. SQLite gives the
 * -wal and -shm files it creates the mode of the database file; a database made before this
 * rule (0644) is tightened, with its -wal and -shm, on open.
 */
export function openTerminalDb(path: string): Database.Database {
  const onDisk = path !== ':memory:' && !path.startsWith('file:');
  if (onDisk) closeSync(openSync(path, 'a', 0o600));
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (onDisk) for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
  return db;
}

export class Exclusive {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Database.Database) {}

  /** Runs `work` holding the database's write lock; commits if it returns, rolls back if it throws. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      try {
        this.db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        throw isSqliteBusy(error) ? homeBusy(error) : error;
      }
      try {
        const result = await work();
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per connection: preparing is most of a small query's cost. */
export function prepared(db: Database.Database, sql: string): Database.Statement {
  let statements = cache.get(db);
  if (statements === undefined) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
