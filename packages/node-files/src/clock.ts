/**
 * The one wall clock every Hotline process reads (issue 10 item 14): `Date.now()` underneath,
 * shifted by the offset in the file named by `HOTLINE_CLOCK_OFFSET_FILE` when that is set.
 *
 * Why a file and not a flag: deadlines, freshness and coverage bounds are minutes long, and a
 * test (or an operator rehearsing an outage) must move time for a whole set of processes at
 * once — relay, witnesses and terminals — while they run. Each process re-reads the file at
 * most every RELOAD_MS, so a write takes effect everywhere within that; checks re-evaluate on
 * their periodic tick, never on one long timer armed at the old time.
 *
 * The file holds one decimal integer, the offset in milliseconds (may be negative). A missing
 * file means offset 0; an unreadable or malformed one is an error, never silently 0: a clock
 * that quietly jumps back would hide the very bounds it exists to test. A running process that
 * reads a malformed file (one caught mid-write) keeps its last offset for up to two seconds
 * before it fails.
 */
import { readFileSync } from 'node:fs';

export type Clock = () => number;

export const CLOCK_OFFSET_ENV = 'HOTLINE_CLOCK_OFFSET_FILE';
const RELOAD_MS = 50;
/** How long a running process keeps its last offset while the file does not parse. */
const PERSISTENT_MS = 2000;

export class ClockError extends Error {
  override readonly name = 'ClockError';
}

function readOffset(path: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new ClockError(`${CLOCK_OFFSET_ENV}=${path}: ${(error as Error).message}`);
  }
  const trimmed = text.trim();
  if (!/^-?[0-9]{1,15}$/.test(trimmed)) throw new ClockError(`${CLOCK_OFFSET_ENV}=${path}: expected an integer offset in milliseconds, got ${JSON.stringify(trimmed.slice(0, 40))}`);
  return Number(trimmed);
}

/** The process clock (milliseconds since the epoch), honouring HOTLINE_CLOCK_OFFSET_FILE. */
export function systemClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const path = env[CLOCK_OFFSET_ENV];
  if (path === undefined || path === '') return Date.now;
  let offset = readOffset(path);
  let readAt = Date.now();
  let badSince: number | undefined;
  return () => {
    const real = Date.now();
    if (real - readAt >= RELOAD_MS) {
      readAt = real;
      try {
        offset = readOffset(path);
        badSince = undefined;
      } catch (error) {
        // A file caught mid-write (truncated, then written) reads empty for a moment: keep the
        // last offset and read again; one that stays bad is an error, as at start.
        badSince ??= real;
        if (real - badSince >= PERSISTENT_MS) throw error;
      }
    }
    return real + offset;
  };
}

/** POSIX seconds from a millisecond clock (cosignature timestamps, freshness). */
export function seconds(clock: Clock): () => number {
  return () => Math.floor(clock() / 1000);
}
