/**
 * The two named time bounds a terminal holds the relay to (protocol.md §17, issue 10 item 11):
 *
 *   freshness  no quorum checkpoint cosigned within this many seconds, whatever the relay
 *              answers (503, an old checkpoint, nothing at all), is the condition `stale`.
 *   coverage   a receipt the relay gave this device that no cosigned checkpoint covers after
 *              this many seconds is the condition `coverage_overdue` — the relay may have lost
 *              the envelope, or be showing this party a fork of the log. It must be at least
 *              three of the relay's checkpoint intervals (the relay signs every 250 ms by
 *              default and witnesses answer in well under a second, so 30 s is generous).
 */
import { HotlineError } from '../errors.js';

export interface Bounds {
  readonly freshnessSeconds: number;
  readonly coverageSeconds: number;
}

export const DEFAULT_BOUNDS: Bounds = { freshnessSeconds: 600, coverageSeconds: 30 };

export class BoundsError extends HotlineError {
  override readonly name = 'BoundsError';
  constructor(message: string) {
    super('bad_bounds', message);
  }
}

/** The defaults with `overrides` applied; each must be a positive whole number of seconds, coverage below freshness. */
export function bounds(overrides: Partial<Bounds> = {}): Bounds {
  const b = { ...DEFAULT_BOUNDS, ...overrides };
  for (const [name, value] of Object.entries(b)) {
    if (!Number.isInteger(value) || value < 1 || value > 86_400 * 30) throw new BoundsError(`${name} must be a whole number of seconds from 1 to 2592000, got ${value}`);
  }
  if (b.coverageSeconds >= b.freshnessSeconds) throw new BoundsError(`coverage (${b.coverageSeconds} s) must be shorter than freshness (${b.freshnessSeconds} s)`);
  return b;
}
