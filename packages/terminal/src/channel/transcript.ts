/**
 * Human-readable views of what the terminal verified: transcript lines and the status board.
 * Names come from the verified directory; anything else is shown by key prefix, so a name the
 * terminal has not verified is never displayed as if it had.
 */
import { toHex } from '@hotline/log';
import { decodeAckBody, decodeDraftBody, decodeMessageBody, decodeReceiptBody, openStatement, Precedence, ReceiptKind, statementId, StatementType, type Charter, type Statement } from '@hotline/protocol';
import { getGroupMembers } from 'ts-mls';
import type { Terminal } from '../terminal.js';
import { describeForward } from './forward-check.js';

const PRECEDENCE_NAMES = new Map<number, string>(Object.entries(Precedence).map(([name, value]) => [value, name.toUpperCase()]));
const TYPE_NAMES = new Map<number, string>(Object.entries(StatementType).map(([name, value]) => [value, name]));

/** "Party / Member" for a verified device, else the device key prefix. */
export function deviceLabel(t: Terminal, deviceKey: Uint8Array): string {
  const entry = t.directory.entry(deviceKey);
  return entry === undefined ? `device ${toHex(deviceKey).slice(0, 12)}…` : `${entry.party} / ${entry.member}`;
}

/** Control and bidi-override characters are shown escaped so a message cannot rewrite the screen. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

export interface TranscriptLine {
  readonly seq: number;
  /** The statement id's first 12 hex digits: what `hotline ack`, `approve`, `edit` take. */
  readonly id: string;
  readonly time: number;
  readonly author: string;
  readonly type: string;
  readonly precedence?: string;
  readonly text: string;
  /** False if the statement broke a hotline rule (the alert says which). */
  readonly valid: boolean;
}

/** Receipts and heartbeats: the line's machinery, hidden from transcripts unless asked for. */
export const ROUTINE_TYPES: ReadonlySet<number> = new Set([StatementType.receipt, StatementType.heartbeat]);

function refer(t: Terminal, channelId: Uint8Array, id: Uint8Array | undefined): string {
  if (id === undefined) return '?';
  const target = t.archive.byId(channelId, id);
  return target === undefined ? `${toHex(id).slice(0, 12)} (not in this channel)` : `#${target.seq}`;
}

function describeBody(t: Terminal, statement: Statement): { precedence?: string; text: string } {
  const ch = statement.channelId;
  switch (statement.type) {
    case StatementType.message:
    case StatementType.edit: {
      const body = decodeMessageBody(statement.body);
      if (!body.ok) break;
      const approvals = (body.value.approvals ?? []).flatMap((a) => {
        const opened = openStatement(a);
        return opened.ok ? [deviceLabel(t, opened.value.author)] : [];
      });
      const prefix = statement.type === StatementType.edit ? `(edit of ${refer(t, ch, statement.parent)}) ` : statement.parent !== undefined ? `(reply to ${refer(t, ch, statement.parent)}) ` : '';
      const suffix = approvals.length > 0 ? `  (approved by ${approvals.join(', ')})` : '';
      return { precedence: PRECEDENCE_NAMES.get(body.value.precedence) ?? '?', text: `${prefix}${printable(body.value.text)}${suffix}` };
    }
    case StatementType.ack: {
      const body = decodeAckBody(statement.body);
      if (!body.ok) break;
      return { text: `ACKNOWLEDGES ${refer(t, ch, body.value.messageId)}: received and understood (co-signs the transcript to #${statement.head.seq})` };
    }
    case StatementType.receipt: {
      const body = decodeReceiptBody(statement.body);
      if (!body.ok) break;
      return { text: `${body.value.kind === ReceiptKind.read ? 'read' : 'delivered'}: ${body.value.ids.map((id) => refer(t, ch, id)).join(', ')}` };
    }
    case StatementType.heartbeat:
      return { text: `heartbeat (its head: #${statement.head.seq})` };
    case StatementType.freeze:
      return { text: 'FROZE the channel: only heartbeats and unfreeze until it is unfrozen' };
    case StatementType.unfreeze:
      return { text: 'unfroze the channel' };
    case StatementType.closeThread:
      return { text: `closed the thread of ${refer(t, ch, statement.parent)}` };
    case StatementType.draft: {
      const body = decodeDraftBody(statement.body);
      if (!body.ok) break;
      const target = t.charters.get(body.value.targetChannel);
      return { precedence: PRECEDENCE_NAMES.get(body.value.body.precedence) ?? '?', text: `DRAFT for ${target?.name ?? toHex(body.value.targetChannel).slice(0, 8)}: ${printable(body.value.body.text)}` };
    }
    case StatementType.approval:
      return { text: `APPROVES draft ${refer(t, ch, statement.parent)}` };
    case StatementType.forward: {
      const charter = t.charters.get(ch);
      if (charter === undefined) break;
      return { text: describeForward(t, charter, statement.body, printable) };
    }
  }
  return { text: `(${TYPE_NAMES.get(statement.type) ?? `type ${statement.type}`})` };
}

export function describeStatement(t: Terminal, seq: number, statement: Statement, valid = true): TranscriptLine {
  const { precedence, text } = describeBody(t, statement);
  return {
    seq,
    id: toHex(statementId(statement)).slice(0, 12),
    time: statement.time,
    author: deviceLabel(t, statement.author),
    type: TYPE_NAMES.get(statement.type) ?? `type ${statement.type}`,
    ...(precedence === undefined ? {} : { precedence }),
    text,
    valid,
  };
}

/** An ISO time for display; a time no Date can hold (an author may claim any u64) is shown as such. */
export { isoTime } from '../time.js';

/** The verified transcript from `fromSeq`; receipts and heartbeats only with `all`. */
export function transcript(t: Terminal, charter: Charter, fromSeq = 1, limit = 1000, all = false): TranscriptLine[] {
  const types = Object.values(StatementType).filter((type) => all || !ROUTINE_TYPES.has(type));
  return t.archive
    .ofTypes(charter.channelId, types, { includeInvalid: true, fromSeq })
    .slice(0, limit)
    .map((s) => describeStatement(t, s.seq, s.statement, s.valid));
}

export interface ChannelStatus {
  readonly name: string;
  readonly id: string;
  readonly parties: string[];
  /** The verified head: the last seq accepted, and its chain hash prefix. */
  readonly head: { seq: number; chain: string };
  readonly members: string[];
  readonly epoch: number;
  readonly keyUpdateDue: boolean;
  readonly unsent: number;
}

export function channelStatus(t: Terminal, charter: Charter): ChannelStatus {
  const position = t.archive.position(charter.channelId);
  const state = t.groups.load(charter.channelId);
  const members = state === undefined ? [] : getGroupMembers(state).map((leaf) => deviceLabel(t, (leaf.credential as { identity: Uint8Array }).identity));
  return {
    name: charter.name,
    id: toHex(charter.channelId),
    parties: charter.parties.map((p) => p.name),
    head: { seq: (position?.nextSeq ?? 1) - 1, chain: position === undefined ? '' : toHex(position.chain) },
    members: members.sort(),
    epoch: state === undefined ? 0 : Number(state.groupContext.epoch),
    keyUpdateDue: t.now() - t.groups.keysUpdatedAt(charter.channelId) >= charter.keyUpdateSeconds * 1000,
    unsent: t.outbox.unsent().filter((u) => toHex(u.channelId) === toHex(charter.channelId)).length,
  };
}
