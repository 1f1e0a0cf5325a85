/**
 * What a witness remembers per log: the latest checkpoint it cosigned. SQLite, WAL,
 * synchronous=FULL; the compare of the stored size and the update happen in one IMMEDIATE
 * transaction, so two concurrent requests can never both pass the check (the rollback race
 * c2sp.org/tlog-witness describes) and a crash never leaves a cosignature unrecorded.
 */
import Database from 'better-sqlite3';

export interface WitnessedCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The checkpoint as cosigned: the log's signature plus this witness's cosignature. */
  readonly note: string;
}

export class WitnessStore {
  private readonly db: Database.Database;
  private readonly getStmt;
  private readonly putStmt;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec('CREATE TABLE IF NOT EXISTS checkpoints (origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL)');
    this.getStmt = this.db.prepare('SELECT size, root, note FROM checkpoints WHERE origin = ?');
    this.putStmt = this.db.prepare('INSERT INTO checkpoints (origin, size, root, note) VALUES (?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note');
  }

  latest(origin: string): WitnessedCheckpoint | undefined {
    const row = this.getStmt.get(origin) as { size: number; root: Buffer; note: string } | undefined;
    return row === undefined ? undefined : { size: Number(row.size), rootHash: new Uint8Array(row.root), note: row.note };
  }

  /**
   * Runs `decide` on the stored checkpoint and, if it returns a new one, stores it — all in
   * one transaction. `decide` must be synchronous and free of side effects beyond its result.
   */
  update<T>(origin: string, decide: (stored: WitnessedCheckpoint | undefined) => { store?: WitnessedCheckpoint; result: T }): T {
    return this.db.transaction(() => {
      const { store, result } = decide(this.latest(origin));
      if (store !== undefined) this.putStmt.run(origin, store.size, store.rootHash, store.note);
      return result;
    }).immediate();
  }

  close(): void {
    this.db.close();
  }
}
