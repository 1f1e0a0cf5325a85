/**
 * The shared backend: a PostgreSQL database (the `postgres` driver), which several relay
 * processes may use at once. Sequencing serialises on a row lock (sequencing.ts); integration
 * on the checkpoint's compare-and-swap (integrator.ts, shared); the other concerns keep their
 * contracts with PostgreSQL's own means (stores.ts). Each node learns of the others' commits
 * through the cluster feed (watermarks, channels changed). Every connection runs with
 * synchronous_commit = on, so a resolved write is durable whatever the server's default.
 */
import postgres, { type Sql, type TransactionSql } from 'postgres';
import { startInProcessIntegration } from '../in-process-integration.js';
import type { Integration, IntegrationOptions, RelayStorage } from '../interfaces.js';
import { redact } from '../redact.js';
import { RELAY_LOCK, SCHEMA, SCHEMA_LOCK, SCHEMA_VERSION } from './schema.js';
import { appendBatch } from './sequencing.js';
import { channelStore, checkpointStore, directoryStore, logReader, mailboxStore } from './stores.js';

/** int8 columns as numbers: sizes, seqs and indexes stay far below 2^53. */
const INT8_AS_NUMBER = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };

export interface PostgresStorageOptions {
  readonly onError?: (message: string) => void;
  /** Connections in the pool (default 10). */
  readonly max?: number;
}

export async function openPostgresStorage(url: string, options: PostgresStorageOptions = {}): Promise<RelayStorage> {
  const sql = postgres(url, {
    max: options.max ?? 10,
    types: { int8: INT8_AS_NUMBER },
    connection: { synchronous_commit: 'on', application_name: 'hotline-relay' },
    onnotice: () => {}, // CREATE … IF NOT EXISTS notices are expected
  });
  try {
    await createSchema(sql);
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw new Error(`cannot open PostgreSQL storage ${redact(url)}: ${(error as Error).message}`);
  }
  const log = logReader(sql);
  const tree = checkpointStore(sql);
  const channels = channelStore(sql);
  let closed = false;
  let integration: Integration | undefined;
  let closing: Promise<void> | undefined;
  const live = <T>(work: () => Promise<T>): Promise<T> => (closed ? Promise.reject(new Error('storage is closed')) : work());
  return {
    description: redact(url),
    sequencing: {
      appendBatch: (items, receivedAt) => live(() => appendBatch(sql, items, receivedAt)),
      logSize: async () => (await sql<{ log_size: number }[]>`SELECT log_size FROM tree_state WHERE id = 1`)[0]!.log_size,
      get healthy() {
        return !closed;
      },
    },
    log,
    tree,
    directory: directoryStore(sql),
    channels,
    mailboxes: mailboxStore(sql),
    cluster: {
      watermarks: async () => {
        const [row] = await sql<{ log_size: number; access: number }[]>`SELECT log_size, (SELECT n FROM access_revision WHERE id = 1) AS access FROM tree_state WHERE id = 1`;
        return { logSize: row!.log_size, accessRevision: row!.access };
      },
      channelsChangedSince: (revision, limit) => live(() => channels.channelsChangedSince(revision, limit)),
      get lastAccessRevision() {
        return channels.lastAccessRevision;
      },
    },
    async startIntegration(integrationOptions: IntegrationOptions): Promise<Integration> {
      if (integration !== undefined) throw new Error('integration is already running on this storage');
      const size = (await sql<{ log_size: number }[]>`SELECT log_size FROM tree_state WHERE id = 1`)[0]!.log_size;
      integration = await startInProcessIntegration({ log, tree }, size, integrationOptions, true);
      return integration;
    },
    close: () =>
      (closing ??= (async () => {
        await integration?.close();
        closed = true;
        await sql.end({ timeout: 5 });
      })()),
  };
}

/** Creates the tables, or checks their version, under an advisory lock: nodes may start together. */
async function createSchema(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`;
    await tx.unsafe(SCHEMA);
    const [row] = await tx<{ value: string }[]>`SELECT value FROM meta WHERE key = 'schema_version'`;
    if (row === undefined) await tx`INSERT INTO meta (key, value) VALUES ('schema_version', ${String(SCHEMA_VERSION)})`;
    else if (row.value === '1') await migrateFromOneRelay(tx);
    else if (row.value !== String(SCHEMA_VERSION)) throw new Error(`relay database has schema version ${row.value}, this relay needs ${SCHEMA_VERSION}`);
  });
}

/**
 * Version 1 → 2: the script above already added what 2 needs (idempotent DDL). A version-1
 * relay still running holds its one-relay session lock and keeps its access snapshot from its
 * own commits only: refuse to migrate under it (the transaction rolls the DDL back).
 */
async function migrateFromOneRelay(tx: TransactionSql): Promise<void> {
  const [free] = await tx<{ free: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}) AS free`;
  if (free?.free !== true) throw new Error('a relay of an older version (one relay per database) is running on this database: stop it before starting this version');
  await tx`UPDATE meta SET value = ${String(SCHEMA_VERSION)} WHERE key = 'schema_version'`;
}
