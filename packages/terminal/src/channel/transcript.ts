/**
 * Human-readable views of what the terminal verified: transcript lines and the status board.
 * Names come from the verified directory; anything else is shown by key prefix, so a name the
 * terminal has not verified is never displayed as if it had.
 */
import { toHex } from '@hotline/log';
import { decodeMessageBody, openStatement, Precedence, StatementType, type Charter, type Statement } from '@hotline/protocol';
import { getGroupMembers } from 'ts-mls';
import type { Terminal } from '../terminal.js';

const PRECEDENCE_NAMES = new Map<number, string>(Object.entries(Precedence).map(([name, value]) => [value, name.toUpperCase()]));
const TYPE_NAMES = new Map<number, string>(Object.entries(StatementType).map(([name, value]) => [value, name]));

export interface TranscriptLine {
  readonly seq: number;
  readonly time: number;
  readonly author: string;
  readonly precedence?: string;
  readonly text: string;
}

/** "Party / Member" for a verified device, else the device key prefix. */
export function deviceLabel(t: Terminal, deviceKey: Uint8Array): string {
  const entry = t.directory.all().find((e) => toHex(e.deviceKey) === toHex(deviceKey));
  return entry === undefined ? `device ${toHex(deviceKey).slice(0, 12)}…` : `${entry.party} / ${entry.member}`;
}

/** Control characters are shown escaped so a message cannot rewrite the screen. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

export function describeStatement(t: Terminal, seq: number, statement: Statement): TranscriptLine {
  const author = deviceLabel(t, statement.author);
  if (statement.type === StatementType.message) {
    const body = decodeMessageBody(statement.body);
    if (body.ok) return { seq, time: statement.time, author, precedence: PRECEDENCE_NAMES.get(body.value.precedence) ?? '?', text: printable(body.value.text) };
  }
  return { seq, time: statement.time, author, text: `(${TYPE_NAMES.get(statement.type) ?? `type ${statement.type}`})` };
}

export function formatLine(line: TranscriptLine): string {
  const at = new Date(line.time).toISOString().replace('T', ' ').slice(0, 19);
  return `#${line.seq}  ${at}Z  ${line.author}${line.precedence === undefined ? '' : `  [${line.precedence}]`}  ${line.text}`;
}

export function transcript(t: Terminal, charter: Charter, fromSeq = 1, limit = 1000): TranscriptLine[] {
  return t.archive.statements(charter.channelId, fromSeq, limit).flatMap((s) => {
    const opened = openStatement(s.statement);
    return opened.ok ? [describeStatement(t, s.seq, opened.value)] : [];
  });
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
    head: { seq: (position?.nextSeq ?? 1) - 1, chain: position === undefined ? '' : toHex(position.chain).slice(0, 16) },
    members: members.sort(),
    epoch: state === undefined ? 0 : Number(state.groupContext.epoch),
    keyUpdateDue: t.now() - t.groups.keysUpdatedAt(charter.channelId) >= charter.keyUpdateSeconds * 1000,
    unsent: t.outbox.unsent().filter((u) => toHex(u.channelId) === toHex(charter.channelId)).length,
  };
}
