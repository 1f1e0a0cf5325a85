/**
 * Announcements between relay nodes over NATS: "the log grew to N", "access lists reached
 * revision R". Nothing else — no entries, no decisions: a node that hears one reads PostgreSQL
 * (cluster/follower.ts), and a node that hears nothing reads it anyway on its poll.
 *
 * Core NATS publish/subscribe, not JetStream (docs/design/decisions.md): an announcement is
 * worth something only while it is fresh, and a node that was away reads the database rather
 * than replaying a stream — so there is no stream, consumer or KV watch to create, to resume
 * after a restart (nats.deno #688) or to get wrong. Deduplication is by message id: each
 * message's id is its watermark (`log-N`, `access-R`, also sent as the Nats-Msg-Id header, so
 * a JetStream stream an operator points at the subject drops duplicates too), and ids only
 * grow, so the seen-id set is the highest watermark processed — the follower drops anything
 * at or below it unread. Own messages are not echoed back (noEcho).
 */
import { createHash } from 'node:crypto';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logger.js';

/** How long to wait between attempts to reach NATS when it is down at start. */
const CONNECT_RETRY_MS = 1000;

export interface AnnouncerDeps {
  /** nats://HOST:PORT (several, comma-separated, for a NATS cluster). */
  readonly url: string;
  /** The log's verifier key: nodes of one log share a subject, other logs on the same NATS do not. */
  readonly logKey: string;
  readonly heard: (marks: { logSize?: number; accessRevision?: number }) => void;
  /** Announcements can (true) or cannot (false) be sent and heard: the follower's poll rate. */
  readonly connected: (up: boolean) => void;
  readonly logger: Logger;
  readonly count?: (direction: 'sent' | 'heard') => void;
}

/** The subject prefix of a log: hotline.relay.<first 16 hex digits of SHA-256(log vkey)>. */
export function announcementSubject(logKey: string): string {
  return `hotline.relay.${createHash('sha256').update(logKey).digest('hex').slice(0, 16)}`;
}

export class Announcer {
  private nc: NatsConnection | undefined;
  /** Connected: announcements are sent (never buffered while down) and heard. */
  private up = false;
  /** "NATS unreachable" was logged since the last connection. */
  private warned = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly subject: string;

  constructor(private readonly deps: AnnouncerDeps) {
    this.subject = announcementSubject(deps.logKey);
  }

  /** Connects in the background: a relay starts (and polls) whether or not NATS is up. */
  start(): void {
    void this.attempt();
  }

  announceLog(size: number): void {
    this.publish('log', size);
  }

  announceAccess(revision: number): void {
    if (revision > 0) this.publish('access', revision);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    const nc = this.nc;
    this.nc = undefined;
    if (nc !== undefined && !nc.isClosed()) await nc.close().catch(() => {});
  }

  private publish(kind: 'log' | 'access', value: number): void {
    const nc = this.nc;
    // While disconnected the client would buffer: stale by the time it is sent, so don't.
    if (nc === undefined || nc.isClosed() || !this.up) return;
    const h = headers();
    h.set('Nats-Msg-Id', `${kind}-${value}`);
    try {
      nc.publish(`${this.subject}.${kind}`, String(value), { headers: h });
      this.deps.count?.('sent');
    } catch (error) {
      this.deps.logger.log('warn', 'cluster: announcement not sent', { error: (error as Error).message });
    }
  }

  private setUp(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    this.warned = !up;
    this.deps.connected(up);
    this.deps.logger.log(up ? 'info' : 'warn', up ? 'cluster: NATS connected; announcements on' : 'cluster: NATS unreachable; polling PostgreSQL', { subject: this.subject });
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: this.deps.url.split(','), name: 'hotline-relay', noEcho: true, timeout: 2000, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    } catch (error) {
      if (!this.closed) {
        // Once, not every second: the node is polling, which is a working state.
        if (!this.warned) this.deps.logger.log('warn', 'cluster: NATS unreachable; polling PostgreSQL', { error: (error as Error).message });
        this.warned = true;
        this.retry = setTimeout(() => void this.attempt(), CONNECT_RETRY_MS);
        this.retry.unref();
      }
      return;
    }
    if (this.closed) {
      await nc.close().catch(() => {});
      return;
    }
    this.nc = nc;
    nc.subscribe(`${this.subject}.*`, {
      callback: (error, msg) => {
        if (error === null) this.onMessage(msg.subject, msg.string());
      },
    });
    this.setUp(true);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') this.setUp(false);
        else if (status.type === 'reconnect') this.setUp(true);
      }
    })().catch(() => {});
    void nc.closed().then(() => this.setUp(false));
  }

  /** A well-formed watermark is a hint; anything else is ignored (the bus is not trusted). */
  private onMessage(subject: string, text: string): void {
    if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return;
    const value = Number(text);
    this.deps.count?.('heard');
    if (subject === `${this.subject}.log`) this.deps.heard({ logSize: value });
    else if (subject === `${this.subject}.access`) this.deps.heard({ accessRevision: value });
  }
}
