/**
 * Reads, the checkpoint store, directory, channels and mailboxes on PostgreSQL, each in the
 * database's own idiom for its concurrency rule: compare-and-swap as a conditional UPDATE or
 * INSERT … ON CONFLICT (READ COMMITTED re-checks the condition after waiting for a competing
 * writer's row lock), single-use mail as DELETE … FOR UPDATE SKIP LOCKED, the mailbox bound
 * under a per-recipient advisory lock.
 */
import type { Sql } from 'postgres';
import type { ChannelStore, CheckpointStore, ClusterFeed, DirectoryStore, LogReader, MailboxStore } from '../interfaces.js';
import type { DeviceRow, MailItem } from '../records.js';

/** Element type of a bytea[] parameter (postgres infers an array of buffers as one bytea). */
const BYTEA = 17;
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const PAGE = 1024;

export function logReader(sql: Sql): LogReader {
  return {
    readRecords: async (from, to) => (await sql<{ record: Buffer }[]>`SELECT record FROM log WHERE idx >= ${from} AND idx < ${to} ORDER BY idx`).map((r) => bytes(r.record)),
    readStream: async (tag, fromSeq, limit) =>
      (
        await sql<{ idx: number; seq: number; record: Buffer; body: Buffer }[]>`
          SELECT l.idx, l.seq, l.record, l.body FROM log l JOIN streams s ON s.id = l.stream
          WHERE s.tag = ${buf(tag)} AND l.seq >= ${fromSeq} ORDER BY l.seq LIMIT ${limit}`
      ).map((r) => ({ logIndex: r.idx, seq: r.seq, record: bytes(r.record), body: bytes(r.body) })),
    lastSeq: async (tag) => (await sql<{ last_seq: number }[]>`SELECT last_seq FROM streams WHERE tag = ${buf(tag)}`)[0]?.last_seq ?? 0,
  };
}

export function checkpointStore(sql: Sql): CheckpointStore {
  return {
    integratedSize: async () => (await sql<{ size: number }[]>`SELECT size FROM checkpoint WHERE id = 1`)[0]?.size ?? 0,
    integrate: (tiles, treeSize, expectedSize, note) =>
      sql.begin(async (tx) => {
        const swapped =
          expectedSize === undefined
            ? await tx`INSERT INTO checkpoint (id, size, note) VALUES (1, ${treeSize}, ${note}) ON CONFLICT (id) DO NOTHING RETURNING id`
            : await tx`UPDATE checkpoint SET size = ${treeSize}, note = ${note} WHERE id = 1 AND size = ${expectedSize} RETURNING id`;
        if (swapped.length !== 1) return false; // the loser writes nothing, its tiles included
        if (tiles.length > 0) {
          await tx`
            INSERT INTO tiles (level, idx, width, hashes)
            SELECT * FROM unnest(${tiles.map((t) => t.level)}::int4[], ${tiles.map((t) => t.index)}::int8[], ${tiles.map((t) => t.width)}::int4[], ${tx.array(tiles.map((t) => buf(t.hashes)), BYTEA)}::bytea[])
            ON CONFLICT (level, idx) DO UPDATE SET width = excluded.width, hashes = excluded.hashes WHERE excluded.width >= tiles.width`;
        }
        return true;
      }),
    getTile: async (level, index) => {
      const [row] = await sql<{ width: number; hashes: Buffer }[]>`SELECT width, hashes FROM tiles WHERE level = ${level} AND idx = ${index}`;
      return row === undefined ? undefined : { width: row.width, hashes: bytes(row.hashes) };
    },
    checkpoint: async () => (await sql<{ size: number; note: string }[]>`SELECT size, note FROM checkpoint WHERE id = 1`).map((r) => ({ size: r.size, note: r.note }))[0],
  };
}

interface DeviceRecord {
  key: Buffer;
  party: string;
  member: string;
  roles: number;
  not_before: number;
  not_after: number;
  certificate: Buffer;
  revoked_at: number | null;
}

function device(r: DeviceRecord): DeviceRow {
  return {
    key: bytes(r.key),
    party: r.party,
    member: r.member,
    roles: r.roles,
    notBefore: r.not_before,
    notAfter: r.not_after,
    certificate: bytes(r.certificate),
    ...(r.revoked_at === null ? {} : { revokedAt: r.revoked_at }),
  };
}

export function directoryStore(sql: Sql): DirectoryStore {
  return {
    device: async (key) => (await sql<DeviceRecord[]>`SELECT * FROM devices WHERE key = ${buf(key)}`).map(device)[0],
    // The partial index log_revocation's predicate, word for word, so the planner uses it.
    revocation: async (hash) => (await sql<{ body: Buffer }[]>`SELECT body FROM log WHERE item_hash = ${buf(hash)} AND get_byte(record, 1) = 3 LIMIT 1`).map((r) => bytes(r.body))[0],
    devices: async function* () {
      for (let after: Buffer = Buffer.alloc(0); ; ) {
        const rows = await sql<DeviceRecord[]>`SELECT * FROM devices WHERE key > ${after} ORDER BY key LIMIT ${PAGE}`;
        for (const r of rows) yield device(r);
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!.key;
      }
    },
  };
}

/** Channels, and the feed of access lists stored by any process (revisions in commit order). */
export function channelStore(sql: Sql): ChannelStore & Pick<ClusterFeed, 'channelsChangedSince' | 'lastAccessRevision'> {
  let lastAccessRevision = 0;
  return {
    channel: async (id) => {
      const [row] = await sql<{ id: Buffer; creator: Buffer; version: number; membership: Buffer }[]>`SELECT * FROM channels WHERE id = ${buf(id)}`;
      if (row === undefined) return undefined;
      const members = await sql<{ device: Buffer }[]>`SELECT device FROM channel_members WHERE channel = ${buf(id)} ORDER BY device`;
      return { id: bytes(row.id), creator: bytes(row.creator), version: row.version, membership: bytes(row.membership), members: members.map((m) => bytes(m.device)) };
    },
    putChannel: (channel) =>
      sql.begin(async (tx) => {
        // A racing put of the same version waits on this row's lock, then finds it not newer.
        const won = await tx`
          INSERT INTO channels (id, creator, version, membership) VALUES (${buf(channel.id)}, ${buf(channel.creator)}, ${channel.version}, ${buf(channel.membership)})
          ON CONFLICT (id) DO UPDATE SET version = excluded.version, membership = excluded.membership WHERE channels.version < excluded.version
          RETURNING id`;
        if (won.length !== 1) return false;
        await tx`DELETE FROM channel_members WHERE channel = ${buf(channel.id)}`;
        if (channel.members.length > 0) {
          await tx`INSERT INTO channel_members (channel, device) SELECT ${buf(channel.id)}, d FROM unnest(${tx.array(channel.members.map(buf), BYTEA)}::bytea[]) AS m (d) ON CONFLICT DO NOTHING`;
        }
        // Last, so the counter's row lock is held only to commit: puts take turns only here.
        const [revision] = await tx<{ n: number }[]>`UPDATE access_revision SET n = n + 1 WHERE id = 1 RETURNING n`;
        await tx`UPDATE channels SET revision = ${revision!.n} WHERE id = ${buf(channel.id)}`;
        lastAccessRevision = Math.max(lastAccessRevision, revision!.n);
        return true;
      }),
    get lastAccessRevision() {
      return lastAccessRevision;
    },
    channelsChangedSince: async (revision, limit) => {
      // One statement, one snapshot: if it sees revision r it sees every earlier one.
      const rows = await sql<{ id: Buffer; version: number; revision: number; members: Buffer[] }[]>`
        SELECT c.id, c.version, c.revision, COALESCE(array_agg(m.device ORDER BY m.device) FILTER (WHERE m.device IS NOT NULL), '{}') AS members
        FROM channels c LEFT JOIN channel_members m ON m.channel = c.id
        WHERE c.revision > ${revision} GROUP BY c.id, c.version, c.revision ORDER BY c.revision LIMIT ${limit}`;
      return {
        channels: rows.map((r) => ({ id: bytes(r.id), version: r.version, members: r.members.map(bytes) })),
        revision: rows.reduce((max, r) => Math.max(max, r.revision), revision),
      };
    },
    memberships: async function* () {
      for (let after: Buffer = Buffer.alloc(0); ; ) {
        const rows = await sql<{ id: Buffer; version: number; members: Buffer[] }[]>`
          SELECT c.id, c.version, COALESCE(array_agg(m.device ORDER BY m.device) FILTER (WHERE m.device IS NOT NULL), '{}') AS members
          FROM channels c LEFT JOIN channel_members m ON m.channel = c.id
          WHERE c.id > ${after} GROUP BY c.id, c.version ORDER BY c.id LIMIT ${PAGE}`;
        for (const r of rows) yield { id: bytes(r.id), version: r.version, members: r.members.map(bytes) };
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!.id;
      }
    },
  };
}

interface MailRecord {
  id: number;
  kind: number;
  sender: Buffer;
  body: Buffer;
  created_at: number;
}

const mail = (r: MailRecord): MailItem => ({ id: r.id, kind: r.kind, sender: bytes(r.sender), body: bytes(r.body), createdAt: r.created_at });

export function mailboxStore(sql: Sql): MailboxStore {
  return {
    putMail: (recipient, kind, sender, body, createdAt, maxPerRecipient) =>
      sql.begin(async (tx) => {
        // Count-then-insert is safe only if racing puts for this recipient take turns.
        await tx`SELECT pg_advisory_xact_lock(hashtextextended(${'mailbox:' + Buffer.from(recipient).toString('hex')}, 0))`;
        const [count] = await tx<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM mailbox WHERE recipient = ${buf(recipient)}`;
        if (count!.n >= maxPerRecipient) return undefined;
        const [row] = await tx<{ id: number }[]>`
          INSERT INTO mailbox (recipient, kind, sender, body, created_at) VALUES (${buf(recipient)}, ${kind}, ${buf(sender)}, ${buf(body)}, ${createdAt}) RETURNING id`;
        return row!.id;
      }),
    listMail: async (recipient, kind, limit) =>
      (kind === undefined
        ? await sql<MailRecord[]>`SELECT id, kind, sender, body, created_at FROM mailbox WHERE recipient = ${buf(recipient)} ORDER BY id LIMIT ${limit}`
        : await sql<MailRecord[]>`SELECT id, kind, sender, body, created_at FROM mailbox WHERE recipient = ${buf(recipient)} AND kind = ${kind} ORDER BY id LIMIT ${limit}`
      ).map(mail),
    deleteMail: async (recipient, id) => (await sql`DELETE FROM mailbox WHERE recipient = ${buf(recipient)} AND id = ${id} RETURNING id`).length === 1,
    takeMail: async (recipient, kind) =>
      (
        await sql<MailRecord[]>`
          DELETE FROM mailbox WHERE id = (
            SELECT id FROM mailbox WHERE recipient = ${buf(recipient)} AND kind = ${kind} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
          ) RETURNING id, kind, sender, body, created_at`
      ).map(mail)[0],
  };
}
