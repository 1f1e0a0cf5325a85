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
import { decodeAckBody, decodeMessageBody, statementId, StatementType, type Charter } from '@hotline/protocol';
import type { Archive, StoredStatement } from '../archive/archive.js';
import type { DirectoryEntry } from '../directory/directory.js';
import { isFrozen, precedenceName } from './statement-rules.js';
import { isoTime } from '../time.js';

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

export interface Alarm {
  readonly code: 'ack_overdue' | 'party_late' | 'party_silent';
  readonly level: string;
  /**
   * The alarm in words, for --on-alarm's HOTLINE_ALARM_MESSAGE; also what makes an alarm "the
   * same" for raising it once (archive.raiseAlarm), so its wording is fixed here.
   */
  readonly message: string;
  /** The party that must act: the one that has not acknowledged, or missed its liveness test. */
  readonly party: string;
  /** For ack_overdue: the message's seq and whole id (64 hex), and when it was due (ms); else null. */
  readonly seq: number | null;
  readonly messageId: string | null;
  readonly due: number | null;
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

export function channelBoard(charter: Charter, archive: Archive, devices: ReadonlyMap<string, DirectoryEntry>, now: number, cutOff?: CutOff): ChannelBoard {
  const channelId = charter.channelId;
  const partyOf = (s: StoredStatement) => devices.get(toHex(s.statement.author))?.party;
  const frozen = isFrozen(archive, channelId);
  // Bounded work per round on a long channel: the last BOARD_WINDOW messages (older deadlines
  // have long been met or gone critical), the acks since the first of them, and each device's
  // last heartbeat — so a flood of heartbeats or acks cannot push a deadline off the board.
  const messages = archive.ofTypes(channelId, [StatementType.message], { last: BOARD_WINDOW });
  const since = messages[0]?.seq ?? Number.MAX_SAFE_INTEGER;
  const relevant = [...messages, ...archive.ofTypes(channelId, [StatementType.ack], { fromSeq: since }), ...archive.lastByAuthor(channelId, StatementType.heartbeat)].sort((a, b) => a.seq - b.seq);
  const freezes = archive.ofTypes(channelId, [StatementType.freeze, StatementType.unfreeze]).map((s) => ({ frozen: s.statement.type === StatementType.freeze, at: s.receivedAt }));
  const acks = relevant.flatMap((s) => {
    if (s.statement.type !== StatementType.ack) return [];
    const body = decodeAckBody(s.statement.body);
    return body.ok ? [{ target: toHex(body.value.messageId), party: partyOf(s), receivedAt: s.receivedAt }] : [];
  });

  const parties: PartyBoard[] = charter.parties.map(({ name }) => {
    const own = relevant.filter((s) => partyOf(s) === name);
    const lastHeartbeat = own.filter((s) => s.statement.type === StatementType.heartbeat).at(-1)?.receivedAt ?? null;
    const lastMessage = own.filter((s) => s.statement.type === StatementType.message).at(-1)?.receivedAt ?? null;
    const cosignedSeq = Math.max(0, ...own.filter((s) => s.statement.type !== StatementType.message).map((s) => s.statement.head.seq));
    // Heartbeats go on while a channel is frozen, so liveness is judged then too: a freeze must
    // not silence the alarm for a party that stopped answering.
    const age = now - (lastHeartbeat ?? charter.created);
    if (cutOff !== undefined && name !== cutOff.ownParty) return { party: name, lastHeartbeat, lastMessage, state: 'silent', cosignedSeq, reason: cutOff.reason };
    const state: Liveness = age > charter.silentSeconds * 1000 ? 'silent' : age > charter.lateSeconds * 1000 ? 'late' : frozen ? 'frozen' : 'live';
    return { party: name, lastHeartbeat, lastMessage, state, cosignedSeq, reason: null };
  });

  const deadlines: Deadline[] = [];
  for (const m of relevant) {
    if (m.statement.type !== StatementType.message) continue;
    const body = decodeMessageBody(m.statement.body);
    const from = partyOf(m);
    if (!body.ok || from === undefined) continue;
    const deadlineSeconds = charter.ackDeadlines[body.value.precedence - 1] ?? 0;
    if (deadlineSeconds === 0) continue;
    const id = toHex(statementId(m.statement));
    for (const { name: to } of charter.parties) {
      if (to === from) continue;
      const ack = acks.find((a) => a.target === id && a.party === to);
      // Acks are refused while the channel is frozen, so frozen time does not count against a deadline.
      const due = m.receivedAt + deadlineSeconds * 1000 + frozenBetween(freezes, m.receivedAt, ack?.receivedAt ?? now);
      deadlines.push({ messageId: id, seq: m.seq, from, to, precedence: precedenceName(body.value.precedence), due, ackedAt: ack?.receivedAt ?? null, state: deadlineState(due, deadlineSeconds * 1000, ack?.receivedAt, now) });
    }
  }

  const alarms: Alarm[] = [];
  for (const d of deadlines) {
    if (d.state === 'overdue' && d.ackedAt !== null) continue;
    if (d.state === 'overdue' || d.state === 'escalated' || d.state === 'critical') {
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
