/**
 * One synchronous connection to the relay's SQLite database (better-sqlite3). Each of the
 * backend's threads opens its own: the log writer thread sequences, the integrator thread reads
 * records, the main thread serves reads, channels and mailboxes (sqlite-storage.ts wraps it in
 * the asynchronous interfaces). Every write method commits before it returns, in WAL mode with
 * synchronous=FULL, so returning means durable.
 */
import Database from 'better-sqlite3';
import { decodeRecord, encodeRecord, genesisChain, nextChain } from '@hotline/protocol';
import { isRevocation, type ChannelRow, type DeviceRow, type EpochRefusal, type MailItem, type Placement, type Sequenced, type SequenceItem, type StoredCheckpoint, type StoredTile, type StreamItem, type TileWrite } from '../records.js';
import { MIGRATIONS, PRAGMAS, SCHEMA, SCHEMA_VERSION } from './schema.js';

type Row = Record<string, unknown>;

/** Rows per page when reading whole tables. */
const PAGE = 1024;

function bytes(value: unknown): Uint8Array {
  const b = value as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function key(tag: Uint8Array, hash: Uint8Array): string {
  return Buffer.from(tag).toString('hex') + Buffer.from(hash).toString('hex');
}

interface StreamState {
  id: number;
  lastSeq: number;
  chain: Uint8Array;
}

export class SqliteStore {
  private readonly db: Database.Database;
  private readonly statements;
  private size: number;

  constructor(path: string) {
    this.db = new Database(path);
    for (const pragma of PRAGMAS) this.db.pragma(pragma.replace(/^PRAGMA /, ''));
    this.db.exec(SCHEMA);
    this.checkSchemaVersion();
    this.statements = this.prepare();
    this.size = this.storedSize();
  }

  /**
   * Stamps a new database with SCHEMA_VERSION, or brings an older one up to it through
   * MIGRATIONS in one IMMEDIATE transaction (the relay's threads open the file concurrently:
   * the first migrates, the others then read the new version). Refuses versions it cannot reach.
   */
  private checkSchemaVersion(): void {
    this.db.transaction(() => {
      const read = this.db.prepare('SELECT value FROM meta WHERE key = ?');
      const write = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
      const row = read.get('schema_version') as Row | undefined;
      // A database without a version row is new: SCHEMA just created it at the current version.
      const stored = row === undefined ? SCHEMA_VERSION : Number(Buffer.from(row['value'] as Buffer).toString());
      let version = stored;
      while (version < SCHEMA_VERSION && MIGRATIONS[version] !== undefined) MIGRATIONS[version++]!(this.db);
      if (version !== SCHEMA_VERSION) {
        throw new Error(`relay database has schema version ${Buffer.from((row?.['value'] as Buffer | undefined) ?? '').toString()}, this relay needs ${SCHEMA_VERSION}`);
      }
      if (row === undefined || stored !== version) write.run('schema_version', Buffer.from(String(SCHEMA_VERSION)));
    }).immediate();
  }

  private prepare() {
    const db = this.db;
    return {
      findItem: db.prepare('SELECT idx, seq, record FROM log WHERE stream = ? AND item_hash = ?'),
      // A conflict on (stream, item_hash) inserts nothing: the caller then looks the original up.
      insertLog: db.prepare('INSERT INTO log (idx, stream, seq, item_hash, record, body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (stream, item_hash) DO NOTHING'),
      epochCommit: db.prepare('SELECT seq FROM epochs WHERE stream = ? AND epoch = ?'),
      streamEpoch: db.prepare('SELECT COALESCE(MAX(epoch) + 1, 0) AS epoch FROM epochs WHERE stream = ?'),
      claimEpoch: db.prepare('INSERT INTO epochs (stream, epoch, seq) VALUES (?, ?, ?)'),
      logSize: db.prepare('SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM log'),
      streamHead: db.prepare('SELECT id, last_seq, chain FROM streams WHERE tag = ?'),
      newStream: db.prepare('INSERT INTO streams (tag, last_seq, chain) VALUES (?, 0, ?)'),
      updateStream: db.prepare('UPDATE streams SET last_seq = ?, chain = ? WHERE id = ?'),
      readRecords: db.prepare('SELECT record FROM log WHERE idx >= ? AND idx < ? ORDER BY idx'),
      readStream: db.prepare('SELECT idx, seq, record, body FROM log WHERE stream = (SELECT id FROM streams WHERE tag = ?) AND seq >= ? ORDER BY seq LIMIT ?'),
      upsertDevice: db.prepare(
        'INSERT INTO devices (key, party, member, roles, not_before, not_after, certificate) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
      ),
      // The earliest revocation time wins: a later "revoke now" overrides an earlier future date.
      revokeDevice: db.prepare('UPDATE devices SET revoked_at = CASE WHEN revoked_at IS NULL OR revoked_at > ? THEN ? ELSE revoked_at END WHERE key = ?'),
      // The same predicate as the partial index log_revocation, word for word, so SQLite uses it.
      revocation: db.prepare("SELECT body FROM log WHERE item_hash = ? AND substr(record, 2, 1) = X'03' LIMIT 1"),
      device: db.prepare('SELECT * FROM devices WHERE key = ?'),
      devicePage: db.prepare('SELECT * FROM devices WHERE key > ? ORDER BY key LIMIT ?'),
      channelPage: db.prepare('SELECT id, version FROM channels WHERE id > ? ORDER BY id LIMIT ?'),
      channel: db.prepare('SELECT * FROM channels WHERE id = ?'),
      channelMembers: db.prepare('SELECT device FROM channel_members WHERE channel = ? ORDER BY device'),
      upsertChannel: db.prepare('INSERT INTO channels (id, creator, version, membership) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, membership = excluded.membership'),
      clearMembers: db.prepare('DELETE FROM channel_members WHERE channel = ?'),
      addMember: db.prepare('INSERT INTO channel_members (channel, device) VALUES (?, ?)'),
      putTile: db.prepare('INSERT INTO tiles (level, idx, width, hashes) VALUES (?, ?, ?, ?) ON CONFLICT (level, idx) DO UPDATE SET width = excluded.width, hashes = excluded.hashes WHERE excluded.width >= tiles.width'),
      getTile: db.prepare('SELECT width, hashes FROM tiles WHERE level = ? AND idx = ?'),
      checkpoint: db.prepare('SELECT size, note FROM checkpoint WHERE id = 1'),
      insertCheckpoint: db.prepare('INSERT INTO checkpoint (id, size, note) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING'),
      updateCheckpoint: db.prepare('UPDATE checkpoint SET size = ?, note = ? WHERE id = 1 AND size = ?'),
      meta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      mailCount: db.prepare('SELECT COUNT(*) AS n FROM mailbox WHERE recipient = ?'),
      putMail: db.prepare('INSERT INTO mailbox (recipient, kind, sender, body, created_at) VALUES (?, ?, ?, ?, ?)'),
      listMail: db.prepare('SELECT id, kind, sender, body, created_at FROM mailbox WHERE recipient = ? ORDER BY id LIMIT ?'),
      listMailKind: db.prepare('SELECT id, kind, sender, body, created_at FROM mailbox WHERE recipient = ? AND kind = ? ORDER BY id LIMIT ?'),
      deleteMail: db.prepare('DELETE FROM mailbox WHERE recipient = ? AND id = ?'),
    };
  }

  private storedSize(): number {
    return Number((this.statements.logSize.get() as Row)['n']);
  }

  /**
   * A stream's head, read inside the batch's transaction: never cached, so a second connection
   * appending to the same file (another relay process, a test's second handle) is seen, not
   * overwritten. An index lookup per stream per batch; the fsync dominates.
   */
  private head(tag: Uint8Array): StreamState | undefined {
    const row = this.statements.streamHead.get(tag) as Row | undefined;
    return row === undefined ? undefined : { id: Number(row['id']), lastSeq: Number(row['last_seq']), chain: bytes(row['chain']) };
  }

  appendBatch(items: readonly SequenceItem[], receivedAt: number): Placement[] {
    const touched = new Map<string, { tag: Uint8Array; state: StreamState }>();
    const inBatch = new Map<string, Sequenced>();
    const run = this.db.transaction(() => {
      // Under the write lock: the log's true end, whoever appended last.
      this.size = this.storedSize();
      const out: Placement[] = [];
      for (const item of items) {
        const dupKey = key(item.streamTag, item.itemHash);
        const earlier = inBatch.get(dupKey);
        if (earlier !== undefined) {
          out.push({ ...earlier, duplicate: true });
          continue;
        }
        const tagHex = Buffer.from(item.streamTag).toString('hex');
        let entry = touched.get(tagHex);
        if (entry === undefined) {
          const head = this.head(item.streamTag) ?? this.createStream(item.streamTag);
          entry = { tag: item.streamTag, state: head };
          touched.set(tagHex, entry);
        }
        // Read inside this transaction, so a commit earlier in the batch has already claimed.
        const refusal = item.handshake === undefined ? undefined : this.epochRefusal(entry.state.id, item.handshake.epoch);
        if (refusal !== undefined) {
          const again = this.statements.findItem.get(entry.state.id, item.itemHash) !== undefined;
          out.push(again ? this.existing(entry.state.id, item) : refusal); // the same commit again keeps its receipt
          continue;
        }
        const seq = entry.state.lastSeq + 1;
        const chainHash = nextChain(entry.state.chain, item.itemHash);
        const record = encodeRecord({ kind: item.kind, streamTag: item.streamTag, seq, itemHash: item.itemHash, aux: item.aux, chainHash, receivedAt });
        const logIndex = this.size;
        if (this.statements.insertLog.run(logIndex, entry.state.id, seq, item.itemHash, record, item.body).changes === 0) {
          out.push(this.existing(entry.state.id, item)); // sequenced before: its original placement
          continue;
        }
        this.size++;
        this.applyDirectory(item);
        if (item.handshake?.commit === true) this.statements.claimEpoch.run(entry.state.id, item.handshake.epoch, seq);
        entry.state.lastSeq = seq;
        entry.state.chain = chainHash;
        const placed: Sequenced = { seq, logIndex, chainHash, receivedAt, record, duplicate: false };
        inBatch.set(dupKey, placed);
        out.push(placed);
      }
      for (const { state } of touched.values()) this.statements.updateStream.run(state.lastSeq, state.chain, state.id);
      return out;
    });
    try {
      // IMMEDIATE takes the write lock up front: a deferred transaction that read first could
      // fail with SQLITE_BUSY_SNAPSHOT when another connection commits in between.
      return run.immediate();
    } catch (error) {
      this.size = this.storedSize(); // the rollback undid this batch's rows
      throw error;
    }
  }

  /** Why a handshake for `epoch` of a stream may not be sequenced, if its epoch has a commit. */
  private epochRefusal(streamId: number, epoch: number): EpochRefusal | undefined {
    const claimed = this.statements.epochCommit.get(streamId, epoch) as Row | undefined;
    if (claimed === undefined) return undefined;
    const streamEpoch = Number((this.statements.streamEpoch.get(streamId) as Row)['epoch']);
    return { refused: 'epoch_committed', epoch, committedSeq: Number(claimed['seq']), streamEpoch };
  }

  /** A new stream's row, inside the caller's transaction; its chain starts at genesis. */
  private createStream(tag: Uint8Array): StreamState {
    const chain = genesisChain(tag);
    const id = Number(this.statements.newStream.run(tag, chain).lastInsertRowid);
    return { id, lastSeq: 0, chain };
  }

  private existing(streamId: number, item: SequenceItem): Sequenced {
    const row = this.statements.findItem.get(streamId, item.itemHash) as Row | undefined;
    if (row === undefined) throw new Error('insert conflicted but no earlier item was found');
    const record = bytes(row['record']);
    const decoded = decodeRecord(record);
    if (!decoded.ok) throw new Error(`stored log record ${String(row['idx'])} is corrupt: ${decoded.error.message}`);
    return {
      seq: Number(row['seq']),
      logIndex: Number(row['idx']),
      chainHash: decoded.value.chainHash,
      receivedAt: decoded.value.receivedAt,
      record,
      duplicate: true,
    };
  }

  private applyDirectory(item: SequenceItem): void {
    const d = item.directory;
    if (d === undefined) return;
    if (isRevocation(d)) {
      this.statements.revokeDevice.run(d.revokedAt, d.revokedAt, d.revokeKey);
    } else {
      this.statements.upsertDevice.run(d.key, d.party, d.member, d.roles, d.notBefore, d.notAfter, d.certificate);
    }
  }

  logSize(): number {
    return this.size;
  }

  readRecords(from: number, to: number): Uint8Array[] {
    return (this.statements.readRecords.all(from, to) as Row[]).map((r) => bytes(r['record']));
  }

  readStream(streamTag: Uint8Array, fromSeq: number, limit: number): StreamItem[] {
    return (this.statements.readStream.all(streamTag, fromSeq, limit) as Row[]).map((r) => ({
      logIndex: Number(r['idx']),
      seq: Number(r['seq']),
      record: bytes(r['record']),
      body: bytes(r['body']),
    }));
  }

  lastSeq(streamTag: Uint8Array): number {
    // Read through: on the main thread the log writer thread is the one appending.
    const row = this.statements.streamHead.get(streamTag) as Row | undefined;
    return row === undefined ? 0 : Number(row['last_seq']);
  }

  integratedSize(): number {
    const value = this.meta('integrated_size');
    return value === undefined ? 0 : Number(Buffer.from(value).toString());
  }

  integrate(tiles: readonly TileWrite[], treeSize: number, expectedSize: number | undefined, note: string): boolean {
    return this.db.transaction(() => {
      const swapped = expectedSize === undefined ? this.statements.insertCheckpoint.run(treeSize, note) : this.statements.updateCheckpoint.run(treeSize, note, expectedSize);
      if (swapped.changes !== 1) return false;
      for (const t of tiles) this.statements.putTile.run(t.level, t.index, t.width, t.hashes);
      this.statements.setMeta.run('integrated_size', Buffer.from(String(treeSize)));
      return true;
    }).immediate();
  }

  getTile(level: number, index: number): StoredTile | undefined {
    const row = this.statements.getTile.get(level, index) as Row | undefined;
    return row === undefined ? undefined : { width: Number(row['width']), hashes: bytes(row['hashes']) };
  }

  checkpoint(): StoredCheckpoint | undefined {
    const row = this.statements.checkpoint.get() as Row | undefined;
    return row === undefined ? undefined : { size: Number(row['size']), note: String(row['note']) };
  }

  device(key: Uint8Array): DeviceRow | undefined {
    const row = this.statements.device.get(key) as Row | undefined;
    return row === undefined ? undefined : this.deviceFromRow(row);
  }

  revocation(itemHash: Uint8Array): Uint8Array | undefined {
    const row = this.statements.revocation.get(itemHash) as Row | undefined;
    return row === undefined ? undefined : bytes(row['body']);
  }

  /** Every device, read in pages (better-sqlite3 cannot write on a connection while iterating). */
  *devices(): Generator<DeviceRow> {
    for (let after: Buffer = Buffer.alloc(0); ; ) {
      const rows = this.statements.devicePage.all(after, PAGE) as Row[];
      for (const row of rows) yield this.deviceFromRow(row);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!['key'] as Buffer;
    }
  }

  private deviceFromRow(row: Row): DeviceRow {
    return {
      key: bytes(row['key']),
      party: String(row['party']),
      member: String(row['member']),
      roles: Number(row['roles']),
      notBefore: Number(row['not_before']),
      notAfter: Number(row['not_after']),
      certificate: bytes(row['certificate']),
      ...(row['revoked_at'] === null ? {} : { revokedAt: Number(row['revoked_at']) }),
    };
  }

  channel(id: Uint8Array): ChannelRow | undefined {
    const row = this.statements.channel.get(id) as Row | undefined;
    if (row === undefined) return undefined;
    const members = (this.statements.channelMembers.all(id) as Row[]).map((r) => bytes(r['device']));
    return { id: bytes(row['id']), creator: bytes(row['creator']), version: Number(row['version']), membership: bytes(row['membership']), members };
  }

  /** Every channel's members, a channel at a time. */
  *memberships(): Generator<{ id: Uint8Array; version: number; members: Uint8Array[] }> {
    for (let after: Buffer = Buffer.alloc(0); ; ) {
      const rows = this.statements.channelPage.all(after, PAGE) as Row[];
      for (const row of rows) {
        const id = bytes(row['id']);
        yield { id, version: Number(row['version']), members: (this.statements.channelMembers.all(id) as Row[]).map((r) => bytes(r['device'])) };
      }
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!['id'] as Buffer;
    }
  }

  putChannel(channel: ChannelRow): boolean {
    return this.db.transaction(() => {
      const current = this.statements.channel.get(channel.id) as Row | undefined;
      if (current !== undefined && Number(current['version']) >= channel.version) return false;
      this.statements.upsertChannel.run(channel.id, channel.creator, channel.version, channel.membership);
      this.statements.clearMembers.run(channel.id);
      for (const m of channel.members) this.statements.addMember.run(channel.id, m);
      return true;
    }).immediate();
  }

  putMail(recipient: Uint8Array, kind: number, sender: Uint8Array, body: Uint8Array, createdAt: number, maxPerRecipient: number): number | undefined {
    return this.db.transaction(() => {
      const count = Number((this.statements.mailCount.get(recipient) as Row)['n']);
      if (count >= maxPerRecipient) return undefined;
      return Number(this.statements.putMail.run(recipient, kind, sender, body, createdAt).lastInsertRowid);
    }).immediate();
  }

  listMail(recipient: Uint8Array, kind: number | undefined, limit: number): MailItem[] {
    const rows = (kind === undefined ? this.statements.listMail.all(recipient, limit) : this.statements.listMailKind.all(recipient, kind, limit)) as Row[];
    return rows.map((r) => ({ id: Number(r['id']), kind: Number(r['kind']), sender: bytes(r['sender']), body: bytes(r['body']), createdAt: Number(r['created_at']) }));
  }

  deleteMail(recipient: Uint8Array, id: number): boolean {
    return this.statements.deleteMail.run(recipient, id).changes === 1;
  }

  takeMail(recipient: Uint8Array, kind: number): MailItem | undefined {
    return this.db.transaction(() => {
      const [first] = this.listMail(recipient, kind, 1);
      if (first !== undefined) this.statements.deleteMail.run(recipient, first.id);
      return first;
    }).immediate();
  }

  meta(name: string): Uint8Array | undefined {
    const row = this.statements.meta.get(name) as Row | undefined;
    return row === undefined ? undefined : bytes(row['value']);
  }

  setMeta(name: string, value: Uint8Array): void {
    this.statements.setMeta.run(name, value);
  }

  close(): void {
    this.db.close();
  }
}
