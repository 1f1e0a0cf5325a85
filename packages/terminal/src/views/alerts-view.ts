/**
 * Alerts as typed data (issue 11 item 2): the two kinds of docs/spec/cli.md — evidence (proof
 * that something lied, kept for good) and conditions (stale, coverage_overdue, unsent_overdue,
 * unavailable: they begin and end). `status`, `watch` and the console render these; the exit
 * status reads `evidenceOnRecord` and the open conditions.
 */
import type { ArchivedAlert } from '../archive/archive.js';
import type { StoredCondition } from '../archive/conditions.js';
import type { Terminal } from '../terminal.js';

export interface EvidenceView {
  readonly kind: 'evidence';
  /** The alert's id in the archive (the change feed's `ref`). */
  readonly id: number;
  readonly code: string;
  readonly message: string;
  /** Hex channel id, or null for the log as a whole. */
  readonly channel: string | null;
  readonly seq: number | null;
  readonly logIndex: number | null;
  /** When this terminal stored it (ms). */
  readonly at: number;
  /** What proves it, verbatim (a fork: both checkpoints), or null. */
  readonly evidence: Readonly<Record<string, string>> | null;
}

export interface ConditionView {
  readonly kind: 'condition';
  /** The condition's id (the change feed's `ref`). */
  readonly id: number;
  readonly code: string;
  readonly message: string;
  readonly channel: string | null;
  readonly startedAt: number;
  /** Null while open. */
  readonly endedAt: number | null;
  /** From start to end, or to now while open (ms). */
  readonly durationMs: number;
}

export interface AlertsView {
  /** Conditions open now, oldest first. */
  readonly open: ConditionView[];
  /** The most recent evidence alerts, newest first (at most the number asked for). */
  readonly evidence: EvidenceView[];
  /** The most recently ended conditions, newest first. */
  readonly resolved: ConditionView[];
  /** True if any evidence alert is on record, however few are listed. */
  readonly evidenceOnRecord: boolean;
}

export function evidenceView(a: ArchivedAlert): EvidenceView {
  return { kind: 'evidence', id: a.id, code: a.code, message: a.message, channel: a.channel, seq: a.seq, logIndex: a.logIndex, at: a.at, evidence: a.evidence ?? null };
}

export function conditionView(c: StoredCondition, now: number): ConditionView {
  const endedAt = c.endedAt ?? null;
  return { kind: 'condition', id: c.id, code: c.code, message: c.message, channel: c.channel, startedAt: c.startedAt, endedAt, durationMs: Math.max(0, (endedAt ?? now) - c.startedAt) };
}

/** Open conditions, and the last `shown` evidence alerts and resolved conditions. */
export function alertsView(t: Pick<Terminal, 'archive' | 'conditions' | 'now'>, shown: number): AlertsView {
  const now = t.now();
  return {
    open: t.conditions.current().map((c) => conditionView(c, now)),
    evidence: t.archive.alerts(shown).map(evidenceView),
    resolved: t.conditions.resolved(shown).map((c) => conditionView(c, now)),
    evidenceOnRecord: t.archive.lastAlertId() > 0,
  };
}
