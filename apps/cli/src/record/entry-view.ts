/**
 * One seq of the transcript as a rendering shows it: a heading, where the log holds it (log
 * index, checkpoint, receive time), who said it, its text, and the cross-references a reader
 * needs (acks, edits and their history, replies) resolved to seqs.
 */
import type { RecordTranscript, TranscriptForward, TranscriptItem, TranscriptStatement } from '@hotline/verify';
import type { Located, TranscriptIndex } from './transcript-index.js';
import { utcTime, visibleText } from './visible-text.js';

export type Tone = 'message' | 'edit' | 'ack' | 'other' | 'withheld' | 'handshake';

export interface EntryView {
  readonly seq: number;
  readonly tone: Tone;
  /** FLASH, IMMEDIATE, PRIORITY or ROUTINE, for a message or an edit. */
  readonly precedence?: string;
  readonly heading: string;
  readonly meta: readonly string[];
  readonly text?: { readonly language: string; readonly text: string };
  readonly notes: readonly string[];
  /** The hotline rules the statement breaks: it is in the log, but counts for nothing. */
  readonly breaches: readonly string[];
}

type Checkpoint = RecordTranscript['checkpoint'];

export function entryView(item: TranscriptItem, index: TranscriptIndex, checkpoint: Checkpoint): EntryView {
  const where = `log index ${item.logIndex} in checkpoint ${visibleText(checkpoint.origin)} size ${checkpoint.size}; received ${utcTime(item.receivedAt)}`;
  if (item.kind === 'withheld' || item.statement === undefined) {
    return item.kind === 'handshake'
      ? { seq: item.seq, tone: 'handshake', heading: `#${item.seq}  MLS handshake`, meta: [where], notes: ['A group change (an MLS commit); it carries no statement.'], breaches: [] }
      : { seq: item.seq, tone: 'withheld', heading: `#${item.seq}  withheld`, meta: [where], notes: ['Withheld by the exporter: the bundle holds only its commitment, and the log proves this seq exists.'], breaches: [] };
  }
  return statementView(item.seq, where, item.statement, index);
}

function statementView(seq: number, where: string, s: TranscriptStatement, index: TranscriptIndex): EntryView {
  const body = s.body;
  const isEdit = s.type === 'edit' && body.kind === 'message';
  const tone: Tone = isEdit ? 'edit' : body.kind === 'message' ? 'message' : body.kind === 'ack' ? 'ack' : 'other';
  const meta = [
    where,
    `by ${author(s)}; written ${utcTime(s.time)} by the author's clock; head seq ${s.head.seq}`,
    `statement ${s.id}; device ${s.author.device}`,
  ];
  const base = { seq, tone, heading: `#${seq}  ${visibleText(s.type)}`, meta, breaches: s.breaches.map(visibleText) };
  if (body.kind === 'message') {
    return { ...base, precedence: body.precedence, text: { language: visibleText(body.language), text: visibleText(body.text) }, notes: messageNotes(s, body.approvals, index) };
  }
  return { ...base, notes: otherNotes(s, index) };
}

function messageNotes(s: TranscriptStatement, approvals: number, index: TranscriptIndex): string[] {
  const notes: string[] = [];
  const versions = index.versions.get(s.id) ?? [];
  const at = versions.findIndex((v) => v.statement.id === s.id);
  if (s.type === 'edit') {
    notes.push(`Edit of ${ref(s.parent, index)}: version ${at + 1} of ${versions.length}.`);
    const previous = at > 0 ? versions[at - 1] : undefined;
    if (previous?.statement.body.kind === 'message') notes.push(`It replaces (#${previous.seq}): ${visibleText(previous.statement.body.text)}`);
  } else if (s.parent !== undefined) notes.push(`Reply to ${ref(s.parent, index)}.`);
  const later = versions.slice(at + 1);
  if (later.length > 0) notes.push(`Edited later: ${later.map((v) => `#${v.seq}`).join(', ')}; the latest version is #${later[later.length - 1]!.seq}.`);
  if (approvals > 0) notes.push(`Carries ${approvals} signed approval${approvals === 1 ? '' : 's'} (the two-person rule).`);
  const acks = index.acks.get(s.id) ?? [];
  notes.push(acks.length === 0 ? 'Not acknowledged in this range.' : `Acknowledged by ${acks.map((a) => `${author(a.statement)} (#${a.seq})`).join(', ')}.`);
  return notes;
}

function otherNotes(s: TranscriptStatement, index: TranscriptIndex): string[] {
  const body = s.body;
  if (body.kind === 'ack') return [`Acknowledges ${ref(body.message, index)}: "received and understood"; co-signs the transcript up to seq ${s.head.seq}.`];
  if (body.kind === 'receipt') return [`${body.receipt === 'read' ? 'Read' : 'Delivered'} receipt for ${body.ids.map((id) => ref(id, index)).join(', ')}.`];
  if (body.kind === 'forward') return forwardNotes(body);
  const parent = s.parent === undefined ? '' : ` Refers to ${ref(s.parent, index)}.`;
  const words: Readonly<Record<string, string>> = {
    heartbeat: `Heartbeat: the author's terminal reports it is live and has seen seq ${s.head.seq}.`,
    freeze: 'Freeze: until an unfreeze, only heartbeats and an unfreeze count.',
    unfreeze: 'Unfreeze: the channel is open again.',
    closeThread: 'Closes the thread.',
    approval: 'Approval of a draft (the two-person rule).',
    draft: 'A draft awaiting approval.',
  };
  return [`${Object.hasOwn(words, s.type) ? words[s.type] : `A ${visibleText(s.type)} statement.`}${parent}`];
}

/** A forward: what it quotes and whether its origin verified, in the words every view uses (protocol.md §13.3). */
function forwardNotes(body: TranscriptForward): string[] {
  const notes = [`Forward: ${visibleText(body.line)}.`];
  if (body.origin !== undefined) notes.push(`It quotes: ${visibleText(body.origin.text)}`, `The original is at log index ${body.origin.logIndex} (source channel ${body.origin.channelId}), received ${utcTime(body.origin.receivedAt)}.`);
  if (body.comment !== '') notes.push(`The forwarder adds: ${visibleText(body.comment)}`);
  return notes;
}

function author(s: TranscriptStatement): string {
  const roles = s.author.roles.length === 0 ? '' : ` (${s.author.roles.join(', ')})`;
  return `${visibleText(s.author.party)} / ${visibleText(s.author.member)}${roles}`;
}

/** "#12" for a statement in the range, else its id: a reference can point before the range. */
function ref(id: string | undefined, index: TranscriptIndex): string {
  if (id === undefined) return 'nothing';
  const found: Located | undefined = index.byId.get(id);
  return found === undefined ? `statement ${id.slice(0, 16)}… (not in this range)` : `#${found.seq}`;
}
