/**
 * The shared backend: a PostgreSQL database (the `postgres` driver), which several relay
 * processes may use at once. Sequencing serialises on a row lock (sequencing.ts); the other
 * concerns keep their contracts with PostgreSQL's own means (stores.ts). Every connection runs
 * with synchronous_commit = on, so a resolved write is durable whatever the server's default.
 */
import postgres, { type Sql } from 'postgres';
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
  let closed = false;
  let integration: Integration | undefined;
  let held: { release(): Promise<void> } | undefined;
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
    channels: channelStore(sql),
    mailboxes: mailboxStore(sql),
    async startIntegration(integrationOptions: IntegrationOptions): Promise<Integration> {
      if (integration !== undefined) throw new Error('integration is already running on this storage');
      held = await holdRelayLock(sql);
      const size = (await sql<{ log_size: number }[]>`SELECT log_size FROM tree_state WHERE id = 1`)[0]!.log_size;
      integration = await startInProcessIntegration({ log, tree }, size, integrationOptions);
      return integration;
    },
    close: () =>
      (closing ??= (async () => {
        await integration?.close();
        await held?.release();
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
    else if (row.value !== String(SCHEMA_VERSION)) throw new Error(`relay database has schema version ${row.value}, this relay needs ${SCHEMA_VERSION}`);
  });
}

/**
 * One relay per database until nodes can tell each other of their commits (issue 15): each
 * keeps its access snapshot from its own commits only, so a second node would judge requests
 * on a stale directory. A session advisory lock, held on a reserved connection for the relay's
 * life, makes a second relay refuse to start instead; PostgreSQL releases it if the holder dies.
 */
async function holdRelayLock(sql: Sql): Promise<{ release(): Promise<void> }> {
  const connection = await sql.reserve();
  const [row] = await connection<{ locked: boolean }[]>`SELECT pg_try_advisory_lock(${RELAY_LOCK}) AS locked`;
  if (row?.locked !== true) {
    connection.release();
    throw new Error('another relay is running on this database; several relay nodes on one database are not supported yet');
  }
  return {
    release: async () => {
      await connection`SELECT pg_advisory_unlock(${RELAY_LOCK})`;
      connection.release();
    },
  };
}
