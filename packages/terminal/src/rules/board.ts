/**
 * The status board of a channel, computed from the archive alone at a given time — so every
 * terminal that verified the same transcript computes the same board, and tests control time
 * instead of sleeping. Times are the relay's receive times from the log records (bounded by the
 * witnesses' cosignatures), never an author's own clock.
 *
 * - Deadlines: each valid message with a precedence the charter gives a deadline must be
 *   acknowledged by every other party (a valid ack by a member with an ack role) within it.
 *   Past the deadline the alarm escalates: overdue, escalated (2×), critical (4×).
 * - Liveness: per party, the last heartbeat: live, late (older than the charter's late
 *   threshold), silent (older than its silent threshold); a live party of a frozen channel
 *   shows as frozen. Deadlines do not run while the channel is frozen (acks are refused then).
 * - Co-signing: per party, the highest transcript seq its valid acks and heartbeats cite.
 */
import { toHex } from '@hotline/log';
import { decodeAckBody, StatementType, type Charter } from '@hotline/protocol';
import type { Archive, StoredStatement } from '../archive/archive.js';
import type { DirectoryEntry } from '../directory/directory.js';
import { precedenceName } from '@hotline/verify';
import { isFrozen } from '../archive/archive-history.js';
import { isoTime } from '../time.js';
import type { Alarm } from './alarm.js';

export type { Alarm } from './alarm.js';

/** How many recent messages the board considers. */
export const BOARD_WINDOW = 10_000;

export type Liveness = 'live' | 'late' | 'silent' | 'frozen';
export type DeadlineState = 'pending' | 'met' | 'overdue' | 'escalated' | 'critical';

export interface PartyBoard {
  readonly party: string;
  /** The relay's receive time (ms) of its last heartbeat and message; null if none. */
  readonly lastHeartbeat: number | null;
  readonly lastMessage: number | null;
  readonly state: Liveness;
  /** The highest seq of the transcript this party has co-signed (acks and heartbeats cite it). */
  readonly cosignedSeq: number;
  /** Why the party is shown silent whatever its heartbeats say (this terminal is cut off from it). */
  readonly reason: string | null;
}

/**
 * This terminal cannot show that the other parties see what it sends: its receipts are not
 * covered by a cosigned checkpoint (a fork, or a relay that lost them) or the log is stale.
 * Their heartbeats then prove nothing about the shared transcript, so they are shown silent.
 */
export interface CutOff {
  readonly ownParty: string;
  readonly reason: string;
}

export interface Deadline {
  readonly messageId: string;
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly precedence: string;
  /** ms: the receive time plus the charter's deadline, plus the time the channel was frozen meanwhile. */
  readonly due: number;
  /** The acknowledgement's receive time (ms), or null. */
  readonly ackedAt: number | null;
  readonly state: DeadlineState;
}

export interface ChannelBoard {
  readonly frozen: boolean;
  readonly parties: PartyBoard[];
  readonly deadlines: Deadline[];
  readonly alarms: Alarm[];
}

function deadlineState(due: number, deadlineMs: number, ackedAt: number | undefined, now: number): DeadlineState {
  if (ackedAt !== undefined && ackedAt <= due) return 'met';
  const late = (ackedAt ?? now) - due;
  if (late <= 0) return 'pending';
  if (ackedAt !== undefined) return 'overdue'; // acknowledged, but after the deadline: stays on the record
  if (late > 3 * deadlineMs) return 'critical';
  if (late > deadlineMs) return 'escalated';
  return 'overdue';
}

/** Milliseconds between `from` and `to` during which the channel was frozen. */
function frozenBetween(toggles: readonly { frozen: boolean; at: number }[], from: number, to: number): number {
  let total = 0;
  let since: number | undefined;
  for (const t of toggles) {
    if (t.frozen && since === undefined) since = t.at;
    else if (!t.frozen && since !== undefined) {
      total += Math.max(0, Math.min(t.at, to) - Math.max(since, from));
      since = undefined;
    }
  }
  if (since !== undefined) total += Math.max(0, to - Math.max(since, from));
  return total;
}

const ackKey = (messageId: string, party: string) => `${messageId} ${party}`;

/** The receive time of each party's first valid ack of each message (by message id hex and party), from statements in seq order. */
function firstAcks(statements: readonly StoredStatement[], partyOf: (s: StoredStatement) => string | undefined): Map<string, number> {
  const acks = new Map<string, number>();
  for (const s of statements) {
    if (s.statement.type !== StatementType.ack) continue;
    const body = decodeAckBody(s.statement.body);
    const party = partyOf(s);
    if (!body.ok || party === undefined) continue;
    const key = ackKey(toHex(body.value.messageId), party);
    if (!acks.has(key)) acks.set(key, s.receivedAt);
  }
  return acks;
}

/** True if a deadline in this state raises an alarm: unacknowledged past it (an ack after it stays on the record, silently). */
function alarming(state: DeadlineState, ackedAt: number | undefined): boolean {
  return state === 'escalated' || state === 'critical' || (state === 'overdue' && ackedAt === undefined);
}

export function channelBoard(charter: Charter, archive: Archive, devices: ReadonlyMap<string, DirectoryEntry>, now: number, cutOff?: CutOff): ChannelBoard {
  return board(charter, archive, devices, now, cutOff, true);
}

/**
 * The board's alarms alone (what a round raises): the same as channelBoard's, without a
 * Deadline for every message of the window that raises none — a running terminal asks after
 * every round, and a window of 10,000 pending deadlines each time was garbage for nothing.
 */
export function channelAlarms(charter: Charter, archive: Archive, devices: ReadonlyMap<string, DirectoryEntry>, now: number, cutOff?: CutOff): Alarm[] {
  return board(charter, archive, devices, now, cutOff, false).alarms;
}

function board(charter: Charter, archive: Archive, devices: ReadonlyMap<string, DirectoryEntry>, now: number, cutOff: CutOff | undefined, everyDeadline: boolean): ChannelBoard {
  const channelId = charter.channelId;
  const partyOf = (s: StoredStatement) => devices.get(toHex(s.statement.author))?.party;
  const frozen = isFrozen(archive, channelId);
  // Bounded work per round on a long channel: the last BOARD_WINDOW messages (older deadlines
  // have long been met or gone critical), the acks since the first of them, and each device's
  // last heartbeat — so a flood of heartbeats or acks cannot push a deadline off the board. The
  // messages come summarised and held between rounds (archive.recentMessages): a running
  // terminal computes this board after every round.
  const messages = archive.recentMessages(channelId, BOARD_WINDOW);
  const since = messages[0]?.seq ?? Number.MAX_SAFE_INTEGER;
  const cosigning = [...archive.ofTypes(channelId, [StatementType.ack], { fromSeq: since }), ...archive.lastByAuthor(channelId, StatementType.heartbeat)].sort((a, b) => a.seq - b.seq);
  const freezes = archive.ofTypes(channelId, [StatementType.freeze, StatementType.unfreeze]).map((s) => ({ frozen: s.statement.type === StatementType.freeze, at: s.receivedAt }));
  const acks = firstAcks(cosigning, partyOf);
  const lastMessageOf = new Map<string, number>();
  for (const m of messages) {
    const party = devices.get(m.author)?.party;
    if (party !== undefined) lastMessageOf.set(party, m.receivedAt);
  }

  const parties: PartyBoard[] = charter.parties.map(({ name }) => {
    const own = cosigning.filter((s) => partyOf(s) === name);
    const lastHeartbeat = own.filter((s) => s.statement.type === StatementType.heartbeat).at(-1)?.receivedAt ?? null;
    const lastMessage = lastMessageOf.get(name) ?? null;
    const cosignedSeq = own.reduce((max, s) => Math.max(max, s.statement.head.seq), 0);
    // Heartbeats go on while a channel is frozen, so liveness is judged then too: a freeze must
    // not silence the alarm for a party that stopped answering.
    const age = now - (lastHeartbeat ?? charter.created);
    if (cutOff !== undefined && name !== cutOff.ownParty) return { party: name, lastHeartbeat, lastMessage, state: 'silent', cosignedSeq, reason: cutOff.reason };
    const state: Liveness = age > charter.silentSeconds * 1000 ? 'silent' : age > charter.lateSeconds * 1000 ? 'late' : frozen ? 'frozen' : 'live';
    return { party: name, lastHeartbeat, lastMessage, state, cosignedSeq, reason: null };
  });

  const deadlines: Deadline[] = [];
  for (const m of messages) {
    const from = devices.get(m.author)?.party;
    if (m.precedence === undefined || from === undefined) continue;
    const deadlineSeconds = charter.ackDeadlines[m.precedence - 1] ?? 0;
    if (deadlineSeconds === 0) continue;
    for (const { name: to } of charter.parties) {
      if (to === from) continue;
      const ackedAt = acks.get(ackKey(m.id, to));
      // Acks are refused while the channel is frozen, so frozen time does not count against a deadline.
      const due = m.receivedAt + deadlineSeconds * 1000 + frozenBetween(freezes, m.receivedAt, ackedAt ?? now);
      const state = deadlineState(due, deadlineSeconds * 1000, ackedAt, now);
      if (everyDeadline || alarming(state, ackedAt)) deadlines.push({ messageId: m.id, seq: m.seq, from, to, precedence: precedenceName(m.precedence), due, ackedAt: ackedAt ?? null, state });
    }
  }

  const alarms: Alarm[] = [];
  for (const d of deadlines) {
    if (alarming(d.state, d.ackedAt ?? undefined)) {
      alarms.push({ code: 'ack_overdue', level: d.state, message: `${d.precedence} message #${d.seq} from ${d.from} (${d.messageId.slice(0, 12)}) not acknowledged by ${d.to}: due ${isoTime(d.due)}, now ${d.state.toUpperCase()}`, party: d.to, seq: d.seq, messageId: d.messageId, due: d.due });
    }
  }
  for (const p of parties) {
    if (p.state === 'late' || p.state === 'silent') {
      alarms.push({ code: p.state === 'late' ? 'party_late' : 'party_silent', level: p.state, message: `${p.party} missed its liveness test: last heartbeat ${p.lastHeartbeat === null ? 'never' : isoTime(p.lastHeartbeat)} (${p.state.toUpperCase()})`, party: p.party, seq: null, messageId: null, due: null });
    }
  }
  return { frozen, parties, deadlines, alarms };
}
