/**
 * What a terminal concludes from the relay's answer to "your newest quorum checkpoint?" and
 * from the clock (issue 10 items 2 and 11). Evidence of a lie (fork, rollback, a bad
 * signature, a checkpoint short of its quorum) is stored for good. Conditions — the relay not
 * answering, no fresh quorum checkpoint — are stored with a start and end and cleared by the
 * next consistent, fresh, cosigned checkpoint. Staleness is judged from the held checkpoint's
 * age on every refresh, whatever the relay answered: a 503, an old checkpoint and silence all
 * become `stale` once the freshness bound has passed, never nothing.
 */
import type { HeldCheckpoint, LogAlertCode, PolicyCheckpoint, Result } from '@hotline/log';
import type { Conditions } from '../archive/conditions.js';
import type { Bounds } from './bounds.js';

/**
 * Subjects of `unavailable`: the checkpoint, the entry bundles a scan reads, and everything else
 * (a command that could not reach the relay at all). Each ends only when that part answers, so
 * a relay that serves checkpoints but not entry bundles keeps one condition open, not a new one
 * every refresh.
 */
export const CHECKPOINT = 'checkpoint';
export const ENTRY_BUNDLES = 'entry-bundles';
export const RELAY = '';

export interface LogHealthAlert {
  readonly code: string;
  readonly message: string;
}

export interface LogHealthDeps {
  readonly conditions: Pick<Conditions, 'raise' | 'end'>;
  /** Stores an evidence alert once; true if it is new. */
  readonly raiseEvidence: (alert: LogHealthAlert) => boolean;
  readonly bounds: Bounds;
  /** ms */
  readonly now: number;
}

/**
 * Records what the relay's checkpoint answer means. Returns what is new: evidence stored for
 * the first time, conditions that were not open before.
 */
export function noteCheckpointAnswer(deps: LogHealthDeps, answer: Result<PolicyCheckpoint, LogAlertCode>): LogHealthAlert[] {
  if (answer.ok) {
    deps.conditions.end('unavailable', CHECKPOINT);
    deps.conditions.end('stale'); // the monitor accepted it only with a fresh quorum
    return [];
  }
  const { code, message } = answer.error;
  if (code === 'unavailable') {
    return deps.conditions.raise('unavailable', CHECKPOINT, message) ? [{ code, message }] : [];
  }
  deps.conditions.end('unavailable', CHECKPOINT); // it answered, if not well: what it said is judged below
  if (code === 'stale') {
    return deps.conditions.raise('stale', '', message) ? [{ code, message }] : [];
  }
  return deps.raiseEvidence({ code, message }) ? [{ code, message }] : [];
}

/** Raises `stale` if the held checkpoint's newest cosignature is older than the freshness bound. */
export function checkFreshness(deps: LogHealthDeps, held: HeldCheckpoint | undefined): LogHealthAlert[] {
  // Without witnesses (quorum none) a checkpoint carries no time: freshness cannot be judged.
  if (held === undefined || held.cosignedAt === 0) return [];
  const age = Math.floor(deps.now / 1000) - held.cosignedAt;
  if (age <= deps.bounds.freshnessSeconds) return [];
  const message = `no quorum checkpoint cosigned within ${deps.bounds.freshnessSeconds} s: the newest this terminal holds (size ${held.size}) was cosigned ${age} s ago; the relay is stalled, withholding the log, or unreachable`;
  return deps.conditions.raise('stale', '', message) ? [{ code: 'stale', message }] : [];
}
