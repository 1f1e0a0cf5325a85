/**
 * Following the other nodes on a shared database: what they committed, read from the database
 * itself. A pass reads the watermarks (log size, access revision); log entries beyond what
 * this node has processed are read as their 146-byte records, and each tells what to refresh:
 * a certificate or revocation names its device (its row is re-read into the access snapshot),
 * an envelope names its stream and seq (this node's subscribers behind it catch up from their
 * own cursors). Access lists stored at a newer revision are re-read whole.
 *
 * When to look: on an announcement (cluster/announcer.ts), and on a poll — every
 * POLL_MS_ANNOUNCED while announcements arrive, every POLL_MS_UNANNOUNCED without a bus or
 * while it is unreachable. An announcement only says "look now": a lost one delays delivery by
 * at most one poll, a duplicate or late one is a watermark already passed, dropped unread, and
 * a false one costs one read of the watermarks. Nothing here decides what is true.
 */
import { decodeRecord, RecordKind } from '@hotline/protocol';
import { toHex } from '@hotline/log';
import type { Logger } from '../logger.js';
import type { AccessSnapshot } from '../storage/access.js';
import type { ClusterFeed, DirectoryStore, LogReader } from '../storage/interfaces.js';
import type { DeviceRow } from '../storage/records.js';

/** Poll interval while announcements arrive: a safety net for a lost one. */
export const POLL_MS_ANNOUNCED = 1000;
/** Poll interval without a bus, or while it is unreachable: the delivery delay between nodes. */
export const POLL_MS_UNANNOUNCED = 200;

const RECORD_CHUNK = 4096;
const CHANNEL_CHUNK = 1024;

export interface FollowerDeps {
  readonly feed: Pick<ClusterFeed, 'watermarks' | 'channelsChangedSince'>;
  readonly log: Pick<LogReader, 'readRecords'>;
  readonly directory: Pick<DirectoryStore, 'device'>;
  readonly access: Pick<AccessSnapshot, 'refreshDevice' | 'setMembers'>;
  /** The log is durable up to `size` (integration folds it; status reports it). */
  readonly logGrew: (size: number) => void;
  /** Another node sequenced `seq` into the stream: subscribers behind it catch up. */
  readonly streamGrew: (streamTag: Uint8Array, seq: number) => void;
  /** A device row re-read after another node committed its certificate or revocation. */
  readonly deviceChanged: (row: DeviceRow) => void;
  /** A channel's access list changed (already in the snapshot). */
  readonly membershipChanged: (channelId: Uint8Array) => void;
  readonly logger: Logger;
  /** A pass ran, and why: for metrics. */
  readonly count?: (cause: 'announcement' | 'poll' | 'own') => void;
}

export class ClusterFollower {
  private processedLog: number;
  private seenRevision: number;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private pollMs = POLL_MS_UNANNOUNCED;
  private stopped = false;

  /** `from`: the watermarks read before the access snapshot was loaded. */
  constructor(
    private readonly deps: FollowerDeps,
    from: { readonly logSize: number; readonly accessRevision: number },
  ) {
    this.processedLog = from.logSize;
    this.seenRevision = from.accessRevision;
  }

  /** Starts polling; the first pass covers whatever was committed since the snapshot loaded. */
  start(): void {
    this.schedule(0);
  }

  /** Announcements are arriving (poll slowly) or not (poll fast). */
  announced(connected: boolean): void {
    const pollMs = connected ? POLL_MS_ANNOUNCED : POLL_MS_UNANNOUNCED;
    if (pollMs === this.pollMs) return;
    this.pollMs = pollMs;
    if (!connected) this.schedule(0); // announcements may have been lost on the way down
  }

  /** An announcement: look now, unless it names watermarks already passed (a duplicate). */
  hint(marks: { readonly logSize?: number; readonly accessRevision?: number }): void {
    if ((marks.logSize ?? 0) <= this.processedLog && (marks.accessRevision ?? 0) <= this.seenRevision) return;
    this.pass('announcement');
  }

  /**
   * This node committed [first, size). Contiguous with what was processed (no other node in
   * between), there is nothing to read: its own commits already reached the snapshot and its
   * subscribers. Otherwise another node committed before it: look.
   */
  ownCommit(first: number, size: number): void {
    if (this.running === undefined && first === this.processedLog) this.processedLog = size;
    else if (size > this.processedLog) this.pass('own');
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    return this.running ?? Promise.resolve();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pass('poll');
    }, ms);
    this.timer.unref();
  }

  /** One pass at a time; a request during a pass runs one more after it. */
  private pass(cause: 'announcement' | 'poll' | 'own'): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.deps.count?.(cause);
    this.running = this.follow()
      .catch((error: unknown) => this.deps.logger.log('warn', 'cluster: reading other nodes\' commits failed; retrying at the next poll', { error: (error as Error).message }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.pass(cause);
        } else this.schedule(this.pollMs);
      });
  }

  private async follow(): Promise<void> {
    const marks = await this.deps.feed.watermarks();
    while (!this.stopped && this.processedLog < marks.logSize) {
      const to = Math.min(marks.logSize, this.processedLog + RECORD_CHUNK);
      await this.followRecords(await this.deps.log.readRecords(this.processedLog, to));
      this.processedLog = to;
      this.deps.logGrew(to);
    }
    while (!this.stopped && this.seenRevision < marks.accessRevision) {
      const changed = await this.deps.feed.channelsChangedSince(this.seenRevision, CHANNEL_CHUNK);
      for (const channel of changed.channels) {
        this.deps.access.setMembers(channel.id, channel.version, channel.members);
        this.deps.membershipChanged(channel.id);
      }
      if (changed.revision === this.seenRevision) break; // counted, not yet visible: next pass
      this.seenRevision = changed.revision;
    }
  }

  /** Devices first (an envelope's sender may be among them), then the streams that grew. */
  private async followRecords(records: readonly Uint8Array[]): Promise<void> {
    const devices = new Map<string, Uint8Array>();
    const streams = new Map<string, { tag: Uint8Array; seq: number }>();
    for (const bytes of records) {
      const decoded = decodeRecord(bytes);
      if (!decoded.ok) throw new Error(`a stored log record is unreadable: ${decoded.error.message}`);
      const record = decoded.value;
      if (record.kind === RecordKind.envelope) {
        const key = toHex(record.streamTag);
        const seen = streams.get(key);
        if (seen === undefined || seen.seq < record.seq) streams.set(key, { tag: record.streamTag, seq: record.seq });
      } else devices.set(toHex(record.aux), record.aux); // a certificate's or revocation's device key
    }
    for (const key of devices.values()) {
      const row = await this.deps.directory.device(key);
      if (row === undefined) continue; // a revocation of a device never registered here
      this.deps.access.refreshDevice(row);
      this.deps.deviceChanged(row);
    }
    for (const { tag, seq } of streams.values()) this.deps.streamGrew(tag, seq);
  }
}
