/**
 * What the console's server needs from its terminal, and nothing more: the typed views it
 * serves, the change feed it streams, and a way to run a command the way the CLI runs it. The
 * terminal process (`hotline terminal --console`) provides it (terminal-backend.ts); the
 * server never holds keys or opens the home itself.
 */
import type { FeedEvent } from '@hotline/terminal';

export type ConsoleLanguage = 'en' | 'ru';
export const CONSOLE_LANGUAGES: readonly ConsoleLanguage[] = ['en', 'ru'];

export interface SessionInfo {
  readonly party: string;
  readonly member: string;
  readonly roles: readonly string[];
  readonly device: string;
  readonly language: ConsoleLanguage;
  /** The terminal's clock (ms): the page's countdowns are drawn from it. */
  readonly now: number;
  readonly relay: string;
  /** The change feed's newest id now: the page streams from here, so nothing after this reply is missed. */
  readonly feed: number;
  /** The terminal's channels, oldest first: enough to open one before the board arrives. */
  readonly channels: readonly { readonly id: string; readonly name: string; readonly internal: boolean }[];
}

/** A command's outcome: its exit status and what it printed (its --json output on `out`). */
export interface CommandOutcome {
  readonly exit: number;
  readonly out: readonly string[];
  readonly err: readonly string[];
}

export interface ConsoleBackend {
  /**
   * Resolves when the terminal is between write transactions. Its MLS work holds one open
   * across awaits; a read on the same connection meanwhile would see rows that may yet roll
   * back (and a feed id that may be reused), so every read waits for this first.
   */
  settled(): Promise<void>;
  session(): SessionInfo;
  board(): unknown;
  /** Undefined if the terminal has no channel by that id or name. */
  transcript(channel: string, options: { last?: number; before?: number; all?: boolean }): unknown | undefined;
  evidence(channel: string, seq: number): unknown | undefined;
  /** The channel's name for a name or id (what commands take), or undefined. */
  channelName(channel: string): string | undefined;
  feedAfter(cursor: number, limit: number): FeedEvent[];
  /**
   * What a stream event carries besides its references: for a statement, its transcript entry
   * (receipts and heartbeats included), so the page draws it without a round trip.
   */
  eventDetail(event: FeedEvent): Record<string, unknown>;
  feedLast(): number;
  /** Calls `listener` soon after the feed grows in this process; returns the unsubscribe. */
  onFeed(listener: () => void): () => void;
  /** Runs `hotline <argv>` as the CLI would, between the terminal's rounds. */
  run(argv: readonly string[]): Promise<CommandOutcome>;
  /** Sends read receipts for messages a person was shown; how many were sent. */
  markShown(channel: string, seqs: readonly number[]): Promise<number>;
  setLanguage(language: ConsoleLanguage): void;
  /** Where exports and renderings made from the console go (0700). */
  readonly exportsDir: string;
}
