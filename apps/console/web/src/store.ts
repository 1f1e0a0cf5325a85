/**
 * The page's state and how it follows the terminal: the board, the open channel's transcript,
 * and the feed. Events only say *what* changed; the store batches every event that arrives in
 * one turn of the event loop into at most one board fetch and one transcript fetch (for the
 * range of seqs the events name), and runs one batch at a time — so 100 events a second cost a
 * handful of small requests, not one whole transcript each.
 */
import { command, getBoard, getSession, getTranscript } from './api/client.js';
import { FeedConnection } from './api/events.js';
import type { Board, ConsoleEntry, FeedEvent, Language, Session } from './api/types.js';
import { syncClock, terminalNow } from './clock.js';

export const PAGE_SIZE = 100;
/** Entries fetched for the first paint of a channel: more than a tall screen holds. */
const FIRST_SCREEN = 30;
const MAX_RANGE = 1000;
/** The most entries the page keeps for the open channel. */
const MAX_KEPT = 1000;
const BOARD_EVERY_MS = 5000;
const PENDING_EVERY_MS = 2000;
const READ_DELAY_MS = 1000;
const TRANSCRIPT_FETCHES = 2;
/** Under a stream of statements the board is fetched at most this often (alarms skip the wait). */
const BOARD_GAP_MS = 250;
/** How soon the shown window is fetched again after an event changed facts of entries already drawn. */
const WINDOW_REFRESH_MS = 500;
/** Statement types shown only with "show receipts and heartbeats". */
const ROUTINE_TYPES: ReadonlySet<string> = new Set(['receipt', 'heartbeat']);

export interface TranscriptState {
  readonly channel: string;
  /** Oldest first, unique by seq. */
  readonly entries: readonly ConsoleEntry[];
  readonly more: boolean;
  readonly loadingOlder: boolean;
  /** Receipts and heartbeats shown too (`all=1`). */
  readonly all: boolean;
}

export interface State {
  readonly session: Session | null;
  readonly board: Board | null;
  readonly selected: string | null;
  readonly transcript: TranscriptState | null;
  readonly live: boolean;
  /** Why the page cannot show anything (a lost session, a terminal that does not answer). */
  readonly fatal: { readonly status: number; readonly message: string } | null;
}

interface Wanted {
  board: boolean;
  /** Per channel id: the lowest and highest seq events named. */
  ranges: Map<string, { from: number; to: number }>;
  window: boolean;
}

type Listener = (s: State) => void;

export class Store {
  private state: State = { session: null, board: null, selected: null, transcript: null, live: false, fatal: null };
  private readonly listeners = new Set<Listener>();
  private wanted: Wanted = { board: false, ranges: new Map(), window: false };
  private scheduled = false;
  private boardRunning = false;
  private transcriptInFlight = 0;
  private boardUrgent = false;
  private lastBoardAt = -Infinity;
  private feed: FeedConnection | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  /** Seqs a read receipt was asked for (once each). */
  private readonly reported = new Set<string>();
  private readonly unread = new Map<string, number[]>();
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private windowTimer: ReturnType<typeof setTimeout> | undefined;

  get current(): State {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }

  async start(): Promise<void> {
    // The session first (it is cheap), then the board, the open channel's transcript and the
    // stream at once. The stream starts after the feed id the session named, so whatever
    // changes after that reply arrives as an event, replayed if the stream opens late: the
    // first screen needs no second fetch when the stream connects.
    let session: Session;
    try {
      session = await getSession();
      syncClock(session.now);
      this.set({ session });
    } catch (e) {
      this.fail(e);
      return;
    }
    const board = this.fetchBoard();
    const first = remembered() ?? (session.channels.find((c) => !c.internal) ?? session.channels[0])?.id ?? null;
    if (first !== null) this.select(first); // its transcript loads beside the board, not after it
    this.feed = new FeedConnection({
      event: (e) => this.onEvent(e),
      open: () => this.set({ live: true }),
      down: () => this.set({ live: false }),
    }, session.feed);
    this.feed.start();
    await board;
    this.timers.push(setInterval(() => this.want({ board: true }), BOARD_EVERY_MS));
    this.timers.push(setInterval(() => this.refreshPending(), PENDING_EVERY_MS));
  }

  stop(): void {
    this.feed?.stop();
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.deadlineTimer);
  }

  select(channel: string): void {
    if (this.state.selected === channel) return;
    this.set({ selected: channel, transcript: { channel, entries: [], more: false, loadingOlder: false, all: this.state.transcript?.all ?? false } });
    remember(channel);
    void this.loadNewest(channel);
  }

  /** Shows or hides receipts and heartbeats: the open channel's newest entries are loaded again. */
  showAll(all: boolean): void {
    const tr = this.state.transcript;
    if (tr === null || tr.all === all) return;
    this.set({ transcript: { ...tr, entries: [], more: false, all } });
    void this.loadNewest(tr.channel);
  }

  setLanguage(language: Language): void {
    const session = this.state.session;
    if (session !== null) this.set({ session: { ...session, language } });
  }

  /** Loads the PAGE_SIZE entries before the oldest shown (scrolling up). */
  async loadOlder(): Promise<void> {
    const tr = this.state.transcript;
    if (tr === null || !tr.more || tr.loadingOlder) return;
    const oldest = tr.entries[0]?.seq;
    if (oldest === undefined) return;
    this.set({ transcript: { ...tr, loadingOlder: true } });
    try {
      const page = await getTranscript(tr.channel, { last: PAGE_SIZE, before: oldest, all: tr.all });
      this.merge(tr.channel, page.entries, page.more, false, tr.all);
    } finally {
      const now = this.state.transcript;
      if (now !== null && now.channel === tr.channel) this.set({ transcript: { ...now, loadingOlder: false } });
    }
  }

  /** Refetches the board now (after a command, or at a deadline). */
  refreshBoard(): void {
    this.want({ board: true });
  }

  /**
   * Read receipts for messages of other parties the member was shown (console-api.md §3 `read`),
   * gathered for a second and sent as one command: a receipt per render would take the
   * browser's few connections from the fetches that draw the screen.
   */
  reportRead(channel: string, entries: readonly ConsoleEntry[]): void {
    const party = this.state.session?.party;
    for (const e of entries) {
      const key = `${channel} ${e.seq}`;
      if (e.type !== 'message' || e.badge.state === 'withheld' || e.evidence.author === null || e.evidence.author.party === party || this.reported.has(key)) continue;
      this.reported.add(key);
      this.unread.set(channel, [...(this.unread.get(channel) ?? []), e.seq]);
    }
    if (this.unread.size === 0 || this.readTimer !== undefined) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      for (const [ch, seqs] of this.unread) {
        command('read', { channel: ch, seqs }).catch(() => {
          for (const seq of seqs) this.reported.delete(`${ch} ${seq}`); // asked again when next shown
        });
      }
      this.unread.clear();
    }, READ_DELAY_MS);
  }

  private fail(e: unknown): void {
    const status = typeof e === 'object' && e !== null && 'status' in e ? Number((e as { status: unknown }).status) : 0;
    this.set({ fatal: { status, message: e instanceof Error ? e.message : String(e) } });
  }

  private onEvent(e: FeedEvent): void {
    const tr = this.state.transcript;
    if (e.kind === 'statement' && e.entry !== undefined && e.entry !== null && tr !== null && tr.channel === e.channel) {
      // The entry came with the event: draw it now. What it changes elsewhere (an ack's or a
      // receipt's target, a reply's parent, an edit) shows on the next refresh of the window.
      if (tr.all || !ROUTINE_TYPES.has(e.entry.type)) this.merge(tr.channel, [e.entry], undefined, true, tr.all);
      if (e.entry.type !== 'message' || e.entry.thread?.parent !== null) this.refreshWindowSoon();
    } else if (e.kind === 'statement' && e.channel !== null && e.seq !== null) {
      const r = this.wanted.ranges.get(e.channel);
      this.wanted.ranges.set(e.channel, r === undefined ? { from: e.seq, to: e.seq } : { from: Math.min(r.from, e.seq), to: Math.max(r.to, e.seq) });
    }
    // Every kind can change the board (heads, deadlines, alarms, alerts); an alert can turn a
    // shown badge invalid, so the shown window is fetched again. A statement's board change
    // (a head, a met deadline) can wait BOARD_GAP_MS; an alarm, alert or condition cannot.
    this.want({ board: true, urgent: e.kind !== 'statement', window: e.kind === 'alert' });
  }

  /** The shown window again within WINDOW_REFRESH_MS, once however many events ask for it. */
  private refreshWindowSoon(): void {
    if (this.windowTimer !== undefined) return;
    this.windowTimer = setTimeout(() => {
      this.windowTimer = undefined;
      this.want({ window: true });
    }, WINDOW_REFRESH_MS);
  }

  private want(w: { board?: boolean; urgent?: boolean; window?: boolean }): void {
    if (w.board === true) this.wanted.board = true;
    if (w.board === true && w.urgent !== false) this.boardUrgent = true;
    if (w.window === true) this.wanted.window = true;
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.runBoard();
      this.runTranscript();
    });
  }

  /**
   * Two loops, each with one request in flight at a time: the board, and the open transcript.
   * Neither waits for the other, so a new entry reaches the screen after one transcript fetch.
   */
  private async runBoard(): Promise<void> {
    if (this.boardRunning) return; // the running fetch's loop picks this up when it ends
    this.boardRunning = true;
    try {
      while (this.wanted.board) {
        const wait = this.boardUrgent ? 0 : this.lastBoardAt + BOARD_GAP_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.wanted.board = false;
        this.boardUrgent = false;
        this.lastBoardAt = performance.now();
        await this.fetchBoard();
      }
    } finally {
      this.boardRunning = false;
    }
  }

  /** Up to two transcript fetches at once: an event that arrives mid-fetch need not wait for it (merging by seq makes order moot). */
  private runTranscript(): void {
    while (this.transcriptInFlight < TRANSCRIPT_FETCHES && (this.wanted.window || this.wanted.ranges.size > 0)) {
      const w = { board: false, window: this.wanted.window, ranges: this.wanted.ranges };
      this.wanted.window = false;
      this.wanted.ranges = new Map();
      this.transcriptInFlight++;
      void this.fetchTranscript(w).finally(() => {
        this.transcriptInFlight--;
        this.runTranscript();
      });
    }
  }

  private async fetchBoard(): Promise<void> {
    try {
      const board = await getBoard();
      syncClock(board.now);
      this.set({ board, fatal: null });
      this.scheduleDeadline(board);
      if (this.state.selected === null || !board.channels.some((c) => c.id === this.state.selected)) {
        const first = board.channels.find((c) => !c.internal) ?? board.channels[0];
        if (first !== undefined) this.select(first.id);
      }
    } catch (e) {
      if (this.state.board === null || (e as { status?: number }).status === 401) this.fail(e);
    }
  }

  /**
   * Fetches the board again just after the earliest open deadline, on the terminal's clock:
   * the terminal judges `overdue` once its now is past `due`, so the alarm shows as soon as
   * the deadline passes, not at the next periodic refresh.
   */
  private scheduleDeadline(board: Board): void {
    clearTimeout(this.deadlineTimer);
    let earliest = Infinity;
    for (const c of board.channels) {
      if (c.board.frozen) continue; // deadlines do not run while frozen
      for (const d of c.board.deadlines) if (d.state === 'pending' && d.ackedAt === null) earliest = Math.min(earliest, d.due);
    }
    if (earliest === Infinity) return;
    const wait = Math.max(earliest + 1 - terminalNow(), 10);
    this.deadlineTimer = setTimeout(() => this.want({ board: true }), wait);
  }

  private async fetchTranscript(w: Wanted): Promise<void> {
    const tr = this.state.transcript;
    if (tr === null) return;
    const range = w.ranges.get(tr.channel);
    const newest = tr.entries.at(-1)?.seq ?? 0;
    if (w.window) {
      // The shown window again (badges may have changed), and anything newer.
      const to = Math.max(newest, range?.to ?? 0);
      const from = Math.min(tr.entries[0]?.seq ?? to, range?.from ?? to);
      await this.fetchRange(tr.channel, from, to, tr.entries.length === 0);
    } else if (range !== undefined) {
      await this.fetchRange(tr.channel, range.from, range.to, false);
    }
  }

  /** Entries with seq in [from, to]: the last (to − from + 1) shown statements below to + 1. */
  private async fetchRange(channel: string, from: number, to: number, newest: boolean): Promise<void> {
    try {
      const all = this.state.transcript?.all ?? false;
      const page = newest || to <= 0 ? await getTranscript(channel, { last: PAGE_SIZE, all }) : await getTranscript(channel, { last: Math.min(MAX_RANGE, Math.max(1, to - from + 1)), before: to + 1, all });
      this.merge(channel, page.entries, newest ? page.more : undefined, true, all);
    } catch (e) {
      if ((e as { status?: number }).status === 401) this.fail(e);
    }
  }

  private async loadNewest(channel: string): Promise<void> {
    try {
      const all = this.state.transcript?.all ?? false;
      // The newest screenful first (what the first paint needs), then the rest of a page behind
      // it, so scrolling up finds it loaded.
      const page = await getTranscript(channel, { last: FIRST_SCREEN, all });
      this.merge(channel, page.entries, page.more, true, all);
      if (page.more) requestIdle(() => void this.loadOlder());
    } catch (e) {
      // A channel remembered from before that is gone: the board opens another.
      if ((e as { status?: number }).status === 401) this.fail(e);
    }
  }

  /** Badges still pending are fetched again until a cosigned checkpoint covers them. */
  private refreshPending(): void {
    const tr = this.state.transcript;
    if (tr === null) return;
    const pending = tr.entries.filter((e) => e.badge.state === 'pending');
    if (pending.length === 0) return;
    const newest = tr.entries.at(-1)!.seq;
    void this.fetchRange(tr.channel, pending[0]!.seq, newest, false);
  }

  /** Adds entries by seq; `trim` keeps the newest MAX_KEPT (live updates), never when loading older ones. */
  private merge(channel: string, entries: readonly ConsoleEntry[], more: boolean | undefined, trim: boolean, all: boolean): void {
    const tr = this.state.transcript;
    if (tr === null || tr.channel !== channel || tr.all !== all) return; // the member opened another channel, or changed what is shown, meanwhile
    const bySeq = new Map(tr.entries.map((e) => [e.seq, e]));
    for (const e of entries) bySeq.set(e.seq, e);
    let merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    let dropped = false;
    if (trim && merged.length > MAX_KEPT) {
      // A long live session keeps the newest MAX_KEPT; older ones load again on scrolling up.
      merged = merged.slice(merged.length - MAX_KEPT);
      dropped = true;
    }
    this.set({ transcript: { ...tr, entries: merged, more: dropped || (more ?? tr.more) } });
  }
}

const REMEMBERED = 'hotline.console.channel';

/** The channel this tab had open (sessionStorage: this tab only, gone when it closes). */
function remembered(): string | null {
  try {
    const id = sessionStorage.getItem(REMEMBERED);
    return id !== null && /^[0-9a-f]{32}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

function remember(channel: string): void {
  try {
    sessionStorage.setItem(REMEMBERED, channel);
  } catch {
    // Storage refused (a private window): the board's first channel is opened next time.
  }
}

/** After the browser has painted what it has: the next fetch must not delay the first screen. */
function requestIdle(work: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 500 });
  else setTimeout(work, 50);
}
