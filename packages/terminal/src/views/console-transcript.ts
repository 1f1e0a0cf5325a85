/**
 * A page of a channel's transcript as the console shows it (console-api.md §2, `GET
 * /api/channels/:id/transcript`): each entry is a TranscriptEntry with its badge — exactly one
 * of verified, pending, invalid, withheld — and, for messages, its thread facts.
 *
 * A page holds three kinds of seq: archived statements; this device's own statements the relay
 * receipted but the archive has not reached (pending, from the outbox); and seqs whose envelope
 * the log proves but for which the archive holds no statement and which were no MLS handshake
 * (withheld). The page is the newest `last` of their union below `before`, found with bounded
 * index reads (console-queries.ts): the archived statements fix the lowest seq the page can
 * reach, and the other two kinds are read only above it.
 */
import { toHex } from '@hotline/log';
import { decodeRecord, decodeVerifiedStatement, statementId, StatementType, type Charter, type Statement } from '@hotline/protocol';
import type { Terminal } from '../terminal.js';
import { ArchiveError } from '../archive/archive.js';
import { describeStatement, deviceLabel } from '../channel/transcript.js';
import { entryOf, shownByDefault, type TranscriptEntry } from './transcript-view.js';
import { cosigners } from './cosigners.js';
import { alertsForSeqs, archivedRow, pendingOwn, statementSeqs, unarchivedRecords, type ArchivedRow } from './console-queries.js';
import { ARCHIVE_ALTERED, checkArchivedRow } from './statement-check.js';
import { threadFacts, type ThreadFacts } from './thread-facts.js';

export type { ThreadFacts } from './thread-facts.js';

export type BadgeState = 'verified' | 'pending' | 'invalid' | 'withheld';

export interface Badge {
  readonly state: BadgeState;
  /** The alert an invalid badge names; null for the other states. */
  readonly alert: { readonly code: string; readonly message: string } | null;
}

export interface ConsoleEntry extends TranscriptEntry {
  readonly badge: Badge;
  /** For messages (archived or pending); null for every other type. */
  readonly thread: ThreadFacts | null;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/**
 * Alerts about a seq that describe how the relay delivered it (late, out of order, not at all),
 * not what the envelope held: they do not make the seq's own entry invalid.
 */
const DELIVERY_CODES: ReadonlySet<string> = new Set(['gap', 'withheld', 'out_of_order', 'replayed', 'not_served']);

const TYPE_NAMES = new Map<number, string>(Object.entries(StatementType).map(([name, value]) => [value, name]));

type Slot = { kind: 'archived'; seq: number } | { kind: 'pending'; seq: number; logIndex: number; receiptAt: number; statement: Statement } | { kind: 'withheld'; seq: number; logIndex: number; record: Uint8Array };

/**
 * The newest `last` entries (default 100, at most 1,000) with seq below `before` (default: the
 * newest), oldest first; receipts and heartbeats only with `all`. `more`: older entries exist.
 */
export function consoleTranscript(t: Terminal, charter: Charter, options: { last?: number; before?: number; all?: boolean } = {}): { entries: ConsoleEntry[]; more: boolean } {
  const last = Math.min(MAX_PAGE, Math.max(1, Math.floor(Number.isFinite(options.last) ? options.last! : DEFAULT_PAGE)));
  const before = Number.isFinite(options.before) ? options.before! : Number.MAX_SAFE_INTEGER;
  const all = options.all === true;
  const shown = (type: number) => all || shownByDefault(type);
  const types = [...TYPE_NAMES.keys()].filter(shown);
  const ch = charter.channelId;

  const archived = statementSeqs(t, ch, types, before, last + 1);
  // With last + 1 archived statements at or above it, no entry below this seq can be on the page.
  const floor = archived.length > last ? archived[last]! : 1;
  const slots: Slot[] = archived.map((seq) => ({ kind: 'archived', seq }));
  const pending = new Set<number>();
  for (const p of pendingOwn(t, ch, floor, before)) {
    const opened = decodeVerifiedStatement(p.statement);
    if (!opened.ok || !shown(opened.value.type)) continue;
    pending.add(p.seq);
    slots.push({ kind: 'pending', seq: p.seq, logIndex: p.logIndex, receiptAt: p.receiptAt, statement: opened.value });
  }
  for (const w of unarchivedRecords(t, ch, floor, before, last + 1)) if (!pending.has(w.seq)) slots.push({ kind: 'withheld', ...w });
  slots.sort((a, b) => b.seq - a.seq);
  const page = slots.slice(0, last).reverse();
  if (page.length === 0) return { entries: [], more: false };

  const alerts = alertsAt(t, ch, page[0]!.seq, page[page.length - 1]!.seq);
  const rows = new Map<number, ArchivedRow>();
  for (const slot of page) {
    const row = slot.kind === 'archived' ? archivedRow(t, ch, slot.seq) : undefined;
    if (row !== undefined) rows.set(slot.seq, row);
  }
  const leaves = t.logHashes.leafHashes([...rows.values()].map((r) => r.logIndex));
  const built = page.map((slot) => buildEntry(t, charter, slot, alerts.get(slot.seq) ?? [], rows.get(slot.seq), leaves));
  const messages = built.flatMap((b) => (b.message === undefined ? [] : [{ id: b.entry.id, statement: b.message }]));
  const facts = threadFacts(t, charter, messages, page[0]!.seq);
  const entries = built.map(({ entry, badge, message }) => ({ ...entry, badge, thread: message === undefined ? null : (facts.get(entry.id) ?? null) }));
  return { entries, more: slots.length > last };
}

/** The badge of the statement archived at `seq` (as its transcript entry has it); undefined if none is archived there. */
export function badgeAt(t: Terminal, charter: Charter, seq: number): Badge | undefined {
  if (archivedRow(t, charter.channelId, seq) === undefined) return undefined;
  return buildEntry(t, charter, { kind: 'archived', seq }, alertsAt(t, charter.channelId, seq, seq).get(seq) ?? []).badge;
}

type SeqAlert = { code: string; message: string };

/** Alerts about the page's seqs, oldest first per seq. */
function alertsAt(t: Terminal, channelId: Uint8Array, from: number, to: number): Map<number, SeqAlert[]> {
  const bySeq = new Map<number, SeqAlert[]>();
  for (const a of alertsForSeqs(t, channelId, from, to)) {
    const list = bySeq.get(a.seq) ?? [];
    list.push({ code: a.code, message: a.message });
    bySeq.set(a.seq, list);
  }
  return bySeq;
}

const invalid = (alert: SeqAlert): Badge => ({ state: 'invalid', alert: { code: alert.code, message: alert.message } });

function buildEntry(t: Terminal, charter: Charter, slot: Slot, alerts: readonly SeqAlert[], archived?: ArchivedRow, leaves?: ReadonlyMap<number, Uint8Array>): { entry: TranscriptEntry; badge: Badge; message?: Statement } {
  if (slot.kind === 'pending') return { entry: pendingEntry(t, slot), badge: { state: 'pending', alert: null }, ...(slot.statement.type === StatementType.message ? { message: slot.statement } : {}) };
  if (slot.kind === 'withheld') {
    // For a seq the archive never got a statement of, the newest alert is the one that moved the channel past it.
    const why = alerts.filter((a) => !DELIVERY_CODES.has(a.code)).at(-1);
    return { entry: withheldEntry(t, slot), badge: why === undefined ? { state: 'withheld', alert: null } : invalid(why) };
  }
  const altered = alerts.find((a) => a.code === ARCHIVE_ALTERED);
  // Archived rows are only ever appended; one missing here was read a moment ago by another query.
  const row = archived ?? archivedRow(t, charter.channelId, slot.seq);
  if (row === undefined) throw new ArchiveError(`seq ${slot.seq} of ${charter.name} vanished from the archive while it was read`, { seq: slot.seq });
  const decoded = decodeVerifiedStatement(row.statement);
  if (!decoded.ok) {
    // The archived bytes do not even decode: show the row as stored, and say why.
    const check = checkArchivedRow(t, charter, row, leaves);
    const badge = altered !== undefined ? invalid(altered) : check.ok ? invalid({ code: ARCHIVE_ALTERED, message: `seq ${slot.seq}: the archived statement is unreadable` }) : invalid(check);
    return { entry: unreadableEntry(t, row), badge };
  }
  const entry = entryOf(t, { seq: row.seq, statement: decoded.value, receivedAt: row.receivedAt, valid: row.valid, logIndex: row.logIndex });
  const withMessage = decoded.value.type === StatementType.message ? { message: decoded.value } : {};
  if (altered !== undefined) return { entry, badge: invalid(altered), ...withMessage };
  if (!entry.valid) {
    const rule = alerts.filter((a) => !DELIVERY_CODES.has(a.code)).at(-1) ?? { code: 'rule_broken', message: `seq ${slot.seq} broke a hotline rule` };
    return { entry, badge: invalid(rule), ...withMessage };
  }
  const check = checkArchivedRow(t, charter, row, leaves);
  if (!check.ok) return { entry, badge: invalid(check), ...withMessage };
  // Every checkpoint the archive keeps met the witness policy when it was verified.
  return { entry, badge: { state: entry.evidence.checkpoint === null ? 'pending' : 'verified', alert: null }, ...withMessage };
}

/** This device's receipted statement: what it said, where the relay put it; no record or checkpoint proves it yet. */
function pendingEntry(t: Terminal, slot: Extract<Slot, { kind: 'pending' }>): TranscriptEntry {
  const line = describeStatement(t, slot.seq, slot.statement, true);
  const c = t.certificate;
  return {
    seq: slot.seq,
    id: toHex(statementId(slot.statement)),
    type: line.type,
    time: line.time,
    author: `${c.party} / ${c.member}`,
    precedence: line.precedence ?? null,
    text: line.text,
    valid: true,
    // receivedAt: when this device got the relay's receipt (the log record is not proven yet).
    evidence: { logIndex: slot.logIndex, receivedAt: slot.receiptAt, checkpoint: null, author: { party: c.party, member: c.member, roles: [...c.roles], deviceKey: toHex(t.deviceKey) } },
  };
}

/** A seq the log proves an envelope at but this archive has no statement of: the record's facts only. */
function withheldEntry(t: Terminal, slot: Extract<Slot, { kind: 'withheld' }>): TranscriptEntry {
  const record = decodeRecord(slot.record);
  const receivedAt = record.ok ? record.value.receivedAt : 0;
  const covering = t.archive.checkpointCovering(slot.logIndex);
  return {
    seq: slot.seq,
    id: '',
    type: 'withheld',
    time: receivedAt,
    author: '',
    precedence: null,
    text: '',
    valid: true,
    evidence: { logIndex: slot.logIndex, receivedAt, checkpoint: covering === undefined ? null : { size: covering.size, witnesses: cosigners(covering.note) }, author: null },
  };
}

/** An archived row whose statement bytes no longer decode: its stored type and author, no text. */
function unreadableEntry(t: Terminal, row: ArchivedRow): TranscriptEntry {
  const record = decodeRecord(row.record);
  const covering = t.archive.checkpointCovering(row.logIndex);
  return {
    seq: row.seq,
    id: toHex(statementId({ bytes: row.statement })),
    type: TYPE_NAMES.get(row.type) ?? `type ${row.type}`,
    time: 0,
    author: deviceLabel(t, row.author),
    precedence: null,
    text: '',
    valid: false,
    evidence: { logIndex: row.logIndex, receivedAt: record.ok ? record.value.receivedAt : 0, checkpoint: covering === undefined ? null : { size: covering.size, witnesses: cosigners(covering.note) }, author: null },
  };
}
