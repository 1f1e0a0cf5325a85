/**
 * The live state (docs/spec/console-api.md §2, GET /api/events): the terminal's change feed as
 * Server-Sent Events. The feed is durable and ordered by id, so a stream needs no state of its
 * own beyond a cursor: on (re)connect it replays what came after the id the browser last saw
 * (Last-Event-ID), then follows the feed as it grows. A dropped connection therefore loses
 * nothing and repeats nothing, however often it drops.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FeedEvent } from '@hotline/terminal';
import type { ConsoleBackend } from './backend.js';

/** A comment line this often keeps idle connections (and anything between) from timing out. */
const KEEPALIVE_MS = 15_000;
/** Events from other processes (none while the service runs, but cheap to catch) are seen within this. */
const POLL_MS = 500;
const BATCH = 500;

/** Where a stream starts: after Last-Event-ID, else after ?after=N, else at the feed's end. */
export function startCursor(req: IncomingMessage, url: URL, backend: Pick<ConsoleBackend, 'feedLast'>): number | string {
  const header = req.headers['last-event-id'];
  const given = typeof header === 'string' && header !== '' ? header : url.searchParams.get('after');
  if (given === null) return backend.feedLast();
  if (!/^\d{1,15}$/.test(given)) return `the event id ${JSON.stringify(given)} is not a feed id (a whole number)`;
  return Number(given);
}

export function formatEvent(e: FeedEvent, detail: Record<string, unknown> = {}): string {
  return `id: ${e.id}\nevent: ${e.kind}\ndata: ${JSON.stringify({ ...e, ...detail })}\n\n`;
}

export class EventStream {
  private cursor: number;
  private writing = false;
  private again = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly timers: NodeJS.Timeout[];

  constructor(
    private readonly res: ServerResponse,
    private readonly backend: Pick<ConsoleBackend, 'feedAfter' | 'onFeed' | 'eventDetail' | 'settled'>,
    cursor: number,
  ) {
    this.cursor = cursor;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 1000\n\n');
    this.unsubscribe = backend.onFeed(() => void this.pump());
    this.timers = [setInterval(() => void this.pump(), POLL_MS), setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS)];
    res.once('close', () => this.close());
    void this.pump();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const t of this.timers) clearInterval(t);
    if (!this.res.writableEnded) this.res.end();
  }

  /** Writes every event after the cursor, respecting back-pressure; one pump at a time. */
  private async pump(): Promise<void> {
    if (this.writing) {
      this.again = true;
      return;
    }
    this.writing = true;
    try {
      do {
        this.again = false;
        for (;;) {
          await this.backend.settled(); // never stream a row that may still roll back
          if (this.closed) return;
          const events = this.backend.feedAfter(this.cursor, BATCH);
          if (events.length === 0) break;
          const fits = this.res.write(events.map((e) => formatEvent(e, this.backend.eventDetail(e))).join(''));
          this.cursor = events.at(-1)!.id;
          if (!fits) {
            await new Promise((resolve) => {
              this.res.once('drain', resolve);
              this.res.once('close', resolve);
            });
          }
        }
      } while (this.again);
    } finally {
      this.writing = false;
    }
  }
}
