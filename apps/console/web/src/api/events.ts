/**
 * The terminal's change feed over Server-Sent Events (console-api.md §2). EventSource reconnects
 * by itself and sends Last-Event-ID, so the server replays what was missed; ids only grow, so an
 * event at or below the highest id seen is a replay and is dropped. If the browser gives up (the
 * server answered with an error status), this reconnects with `?after=` the last id itself.
 */
import type { ConsoleEntry, FeedEvent, FeedKind } from './types.js';

const KINDS: readonly FeedKind[] = ['statement', 'alert', 'alarm', 'condition_opened', 'condition_ended'];
const RETRY_MS = 2000;

export interface FeedHandlers {
  /** Each new event once, in id order. */
  readonly event: (e: FeedEvent) => void;
  /** Connected (first time or again): what happened before it may not have come as events. */
  readonly open: () => void;
  readonly down: () => void;
}

export class FeedConnection {
  private source: EventSource | undefined;
  private lastId = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  /** `after`: the feed id the page's first fetches reflect (the session's `feed`); the stream replays what came after it. */
  constructor(private readonly handlers: FeedHandlers, after = 0) {
    this.lastId = after;
  }

  /** The highest event id handled (0 before any). */
  get cursor(): number {
    return this.lastId;
  }

  start(): void {
    this.connect(`/api/events?after=${this.lastId}`);
  }

  stop(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.source?.close();
  }

  private connect(url: string): void {
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    source.onopen = () => this.handlers.open();
    source.onerror = () => {
      this.handlers.down();
      if (source.readyState === EventSource.CLOSED && !this.closed) {
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.start(), RETRY_MS);
      }
    };
    const onMessage = (m: MessageEvent<string>) => this.receive(m);
    for (const kind of KINDS) source.addEventListener(kind, onMessage);
    source.onmessage = onMessage; // an event without an `event:` line
  }

  private receive(m: MessageEvent<string>): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(m.data);
    } catch {
      return; // not an event of the feed: nothing to refetch
    }
    const e = feedEvent(parsed, m.lastEventId);
    if (e === undefined || e.id <= this.lastId) return;
    this.lastId = e.id;
    this.handlers.event(e);
  }
}

function feedEvent(data: unknown, lastEventId: string): FeedEvent | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const id = typeof d['id'] === 'number' ? d['id'] : Number(lastEventId);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const kind = KINDS.find((k) => k === d['kind']);
  if (kind === undefined) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const entry = typeof d['entry'] === 'object' && d['entry'] !== null ? (d['entry'] as ConsoleEntry) : null;
  return { id, at: num(d['at']) ?? 0, kind, channel: typeof d['channel'] === 'string' ? d['channel'] : null, seq: num(d['seq']), ref: num(d['ref']), entry };
}
