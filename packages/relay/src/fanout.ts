/**
 * WebSocket sessions: submissions, subscriptions and fan-out.
 *
 * A subscriber is either live (each new envelope is sent as it commits) or catching up (read
 * from storage in chunks, as fast as its socket drains). A live subscriber whose socket has more
 * than `subscriberBufferBytes` queued drops back to catching up: the relay stops buffering for
 * it, so a slow reader never slows the others or grows the relay's memory, and still receives
 * every envelope, in order, from storage.
 */
import { toHex } from '@hotline/log';
import { channelTag, ClientFrameType, decodeClientFrame, encodeRelayFrame, RecordKind, RelayFrameType, type RelayFrame } from '@hotline/protocol';
import type { WebSocket } from 'ws';
import { RelayError } from './errors.js';
import type { Count, RelayLimits } from './limits.js';
import type { Logger } from './logger.js';
import type { AccessSnapshot } from './storage/access.js';
import type { LogReader } from './storage/interfaces.js';
import type { Sequenced, SequenceItem } from './storage/records.js';

/** What the WebSocket side needs: the snapshot for access, the log for catch-up, a way to submit. */
export interface FanoutDeps {
  readonly access: Pick<AccessSnapshot, 'isActive' | 'isMember'>;
  readonly log: Pick<LogReader, 'readStream' | 'lastSeq'>;
  readonly submit: (deviceKey: Uint8Array, envelope: Uint8Array) => Promise<Sequenced>;
  readonly limits: Pick<RelayLimits, 'subscriberBufferBytes' | 'maxInFlightPerSocket'>;
  readonly count: { readonly rejected: Count; readonly delivered: Count };
  readonly logger: Logger;
  readonly now: () => number;
}

const CATCH_UP_CHUNK = 256;
const CATCH_UP_RETRY_MS = 5;

interface Subscription {
  readonly connection: Connection;
  readonly channelId: Uint8Array;
  readonly tag: Uint8Array;
  nextSeq: number;
  catchingUp: boolean;
  /** Told of new entries while catching up: read once more before going live. */
  recheck: boolean;
  active: boolean;
}

interface Connection {
  readonly ws: WebSocket;
  readonly deviceKey: Uint8Array;
  readonly subscriptions: Map<string, Subscription>;
  inFlight: number;
  corked: boolean;
}

export class Fanout {
  private readonly byChannel = new Map<string, Set<Subscription>>();
  /** Stream tag (hex) → channel id (hex), for entries known by their log record only. */
  private readonly channelOfTag = new Map<string, string>();
  private readonly connections = new Set<Connection>();
  constructor(private readonly deps: FanoutDeps) {}

  get connectionCount(): number {
    return this.connections.size;
  }

  attach(ws: WebSocket, deviceKey: Uint8Array, sessionExpiresAt: number): void {
    const connection: Connection = { ws, deviceKey, subscriptions: new Map(), inFlight: 0, corked: false };
    this.connections.add(connection);
    const expiry = setTimeout(() => ws.close(4001, 'session expired; log in again'), Math.max(0, sessionExpiresAt - this.deps.now()));
    ws.on('message', (data, isBinary) => this.onMessage(connection, data as Buffer, isBinary));
    ws.on('close', () => {
      clearTimeout(expiry);
      this.connections.delete(connection);
      for (const sub of connection.subscriptions.values()) this.unsubscribe(sub);
    });
    ws.on('error', () => ws.terminate());
  }

  private send(connection: Connection, frame: RelayFrame): void {
    if (connection.ws.readyState !== connection.ws.OPEN) return;
    if (connection.ws.bufferedAmount > this.deps.limits.subscriberBufferBytes) {
      // A client that does not read its receipts and errors would make us buffer without bound.
      connection.ws.terminate();
      return;
    }
    this.cork(connection);
    connection.ws.send(encodeRelayFrame(frame));
  }

  /**
   * A committed batch resolves many receipts, and publishes many deliveries, in one burst:
   * corking the socket until the burst has run turns one write syscall per frame into one per
   * burst and socket.
   */
  private cork(connection: Connection): void {
    if (connection.corked) return;
    const socket = (connection.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (socket === undefined) return;
    connection.corked = true;
    socket.cork();
    process.nextTick(() => {
      connection.corked = false;
      socket.uncork();
    });
  }

  private sendError(connection: Connection, requestId: number, error: unknown): void {
    const e = error instanceof RelayError ? error : new RelayError(500, 'internal', 'internal error');
    if (!(error instanceof RelayError)) this.deps.logger.log('error', 'websocket handler failed', { error: (error as Error).message });
    this.deps.count.rejected(1, { code: e.code, transport: 'ws' });
    this.send(connection, { type: RelayFrameType.error, requestId, status: e.status, code: e.code, message: e.message });
  }

  private onMessage(connection: Connection, data: Buffer, isBinary: boolean): void {
    if (connection.ws.readyState !== connection.ws.OPEN) return; // closing: nothing more is accepted
    if (!isBinary) {
      connection.ws.close(1003, 'frames must be binary');
      return;
    }
    const frame = decodeClientFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (!frame.ok) {
      this.sendError(connection, 0, new RelayError(400, frame.error.code, frame.error.message));
      return;
    }
    const f = frame.value;
    try {
      if (f.type === ClientFrameType.submit) this.onSubmit(connection, f.requestId, f.envelope);
      else if (f.type === ClientFrameType.subscribe) this.subscribe(connection, f.requestId, f.channelId, f.fromSeq).catch((error: unknown) => this.sendError(connection, f.requestId, error));
      else {
        const sub = connection.subscriptions.get(toHex(f.channelId));
        if (sub !== undefined) this.unsubscribe(sub);
      }
    } catch (error) {
      this.sendError(connection, f.requestId, error);
    }
  }

  private onSubmit(connection: Connection, requestId: number, envelope: Uint8Array): void {
    if (connection.inFlight >= this.deps.limits.maxInFlightPerSocket) {
      connection.ws.close(1008, `more than ${this.deps.limits.maxInFlightPerSocket} submissions in flight; wait for receipts`);
      return;
    }
    connection.inFlight++;
    this.deps.submit(connection.deviceKey, envelope).then(
      (placed) => {
        connection.inFlight--;
        this.send(connection, { type: RelayFrameType.receipt, requestId, seq: placed.seq, logIndex: placed.logIndex, chainHash: placed.chainHash, receivedAt: placed.receivedAt, duplicate: placed.duplicate });
      },
      (error: unknown) => {
        connection.inFlight--;
        this.sendError(connection, requestId, error);
      },
    );
  }

  private async subscribe(connection: Connection, requestId: number, channelId: Uint8Array, fromSeq: number): Promise<void> {
    if (!this.deps.access.isActive(connection.deviceKey)) throw new RelayError(401, 'unauthorized', 'device is revoked, expired or unknown');
    if (!this.deps.access.isMember(channelId, connection.deviceKey)) throw new RelayError(403, 'not_a_member', 'this device is not a member of that channel');
    const key = toHex(channelId);
    const previous = connection.subscriptions.get(key);
    if (previous !== undefined) this.unsubscribe(previous);
    const tag = channelTag(channelId);
    const sub: Subscription = { connection, channelId, tag, nextSeq: Math.max(1, fromSeq), catchingUp: true, recheck: false, active: true };
    connection.subscriptions.set(key, sub);
    let set = this.byChannel.get(key);
    if (set === undefined) {
      this.byChannel.set(key, (set = new Set()));
      this.channelOfTag.set(toHex(tag), key);
    }
    set.add(sub);
    // Registered before the read: a commit meanwhile finds it catching up, and catch-up reads it.
    const lastSeq = await this.deps.log.lastSeq(tag);
    if (!sub.active) return;
    this.send(connection, { type: RelayFrameType.subscribed, requestId, channelId, lastSeq });
    void this.catchUp(sub);
  }

  private unsubscribe(sub: Subscription): void {
    sub.active = false;
    const key = toHex(sub.channelId);
    sub.connection.subscriptions.delete(key);
    const set = this.byChannel.get(key);
    set?.delete(sub);
    if (set?.size === 0) {
      this.byChannel.delete(key);
      this.channelOfTag.delete(toHex(sub.tag));
    }
  }

  /** Sends stored envelopes from `nextSeq` while the socket drains; live once caught up. */
  private async catchUp(sub: Subscription): Promise<void> {
    const ws = sub.connection.ws;
    if (!sub.active || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.deps.limits.subscriberBufferBytes) {
      setTimeout(() => void this.catchUp(sub), CATCH_UP_RETRY_MS);
      return;
    }
    if (!this.deps.access.isMember(sub.channelId, sub.connection.deviceKey) || !this.deps.access.isActive(sub.connection.deviceKey)) {
      this.unsubscribe(sub);
      return;
    }
    let items;
    sub.recheck = false;
    try {
      items = await this.deps.log.readStream(sub.tag, sub.nextSeq, CATCH_UP_CHUNK);
    } catch (error) {
      // Storage refused a read: try again shortly rather than leave the subscriber stalled.
      this.deps.logger.log('warn', 'catch-up read failed', { error: (error as Error).message });
      setTimeout(() => void this.catchUp(sub), CATCH_UP_RETRY_MS * 20);
      return;
    }
    if (!sub.active || ws.readyState !== ws.OPEN) return;
    for (const item of items) {
      ws.send(encodeRelayFrame({ type: RelayFrameType.delivery, requestId: 0, channelId: sub.channelId, logIndex: item.logIndex, record: item.record, envelope: item.body }));
      sub.nextSeq = item.seq + 1;
      if (ws.bufferedAmount > this.deps.limits.subscriberBufferBytes) break; // bounded by bytes, not count
    }
    this.deps.count.delivered(items.length, { path: 'catch-up' });
    // A commit announced while the read was in flight may be missing from it: read again.
    if (items.length < CATCH_UP_CHUNK && (items.length === 0 || sub.nextSeq > items[items.length - 1]!.seq) && !sub.recheck) {
      sub.catchingUp = false; // storage and the in-memory stream agree: commits publish live from here
      return;
    }
    setImmediate(() => void this.catchUp(sub));
  }

  /** Publishes newly committed envelopes to their channels' live subscribers. */
  publish(committed: readonly { item: SequenceItem; placed: Sequenced }[]): void {
    for (const { item, placed } of committed) {
      if (item.kind !== RecordKind.envelope) continue;
      const channelId = item.body.subarray(2, 18);
      const subs = this.byChannel.get(toHex(channelId));
      if (subs === undefined) continue;
      let frame: Uint8Array | undefined;
      let sent = 0;
      for (const sub of [...subs]) {
        if (placed.seq < sub.nextSeq) continue;
        if (sub.catchingUp) {
          sub.recheck = true; // its read may have missed this commit
          continue;
        }
        if (!this.deps.access.isMember(channelId, sub.connection.deviceKey)) {
          this.unsubscribe(sub); // removed from the channel: no more of its traffic
          continue;
        }
        const ws = sub.connection.ws;
        if (placed.seq > sub.nextSeq || ws.bufferedAmount > this.deps.limits.subscriberBufferBytes) {
          sub.catchingUp = true;
          setTimeout(() => void this.catchUp(sub), CATCH_UP_RETRY_MS);
          continue;
        }
        frame ??= encodeRelayFrame({ type: RelayFrameType.delivery, requestId: 0, channelId, logIndex: placed.logIndex, record: placed.record, envelope: item.body });
        this.cork(sub.connection); // a committed batch reaches each subscriber in one write
        ws.send(frame);
        sub.nextSeq = placed.seq + 1;
        sent++;
      }
      if (sent > 0) this.deps.count.delivered(sent, { path: 'live' });
    }
  }

  /**
   * Entries another node committed (read back as log records): each subscriber of the stream
   * that has not had `seq` yet catches up from its own cursor, reading storage — the same path
   * a subscriber that fell behind takes. Nothing is sent from the announcement itself.
   */
  streamGrew(streamTag: Uint8Array, seq: number): void {
    const key = this.channelOfTag.get(toHex(streamTag));
    const subs = key === undefined ? undefined : this.byChannel.get(key);
    for (const sub of subs ?? []) {
      if (seq < sub.nextSeq) continue;
      if (sub.catchingUp) {
        sub.recheck = true;
        continue;
      }
      sub.catchingUp = true;
      void this.catchUp(sub);
    }
  }

  /** Revocation: hard close, so a client ignoring the close handshake cannot linger. */
  disconnectDevice(deviceKey: Uint8Array, reason: string): void {
    const hex = toHex(deviceKey);
    for (const c of this.connections) {
      if (toHex(c.deviceKey) !== hex) continue;
      c.ws.close(4001, reason);
      setTimeout(() => c.ws.terminate(), 1000).unref();
    }
  }

  /** Membership changed: drop subscriptions of devices no longer in the channel. */
  membershipChanged(channelId: Uint8Array): void {
    for (const sub of [...(this.byChannel.get(toHex(channelId)) ?? [])]) {
      if (!this.deps.access.isMember(channelId, sub.connection.deviceKey)) this.unsubscribe(sub);
    }
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.connections) c.ws.close(code, reason);
  }
}
