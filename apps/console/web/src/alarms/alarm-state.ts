/**
 * What the page alarms about, read from the board (the terminal is the one source of alarm
 * state, issue 13 item 4): every alarm the board raises (ack_overdue with its escalation level
 * overdue / escalated / critical, party_late, party_silent), and every FLASH from another party
 * this member's party has not acknowledged yet (its deadline still running: past it, the board
 * raises ack_overdue instead).
 */
import type { Alarm, Board, ChannelView, Deadline } from '../api/types.js';

export interface ActiveAlarm {
  /** Stable while the alarm stays the same; a new level is a new key (it notifies again). */
  readonly key: string;
  readonly kind: 'alarm' | 'flash';
  readonly level: string;
  readonly channel: ChannelView;
  readonly alarm: Alarm | null;
  readonly deadline: Deadline | null;
}

export function activeAlarms(board: Board, party: string): ActiveAlarm[] {
  const out: ActiveAlarm[] = [];
  for (const channel of board.channels) {
    for (const alarm of channel.board.alarms) {
      out.push({ key: `alarm ${channel.id} ${alarm.code} ${alarm.party} ${alarm.seq ?? ''} ${alarm.level}`, kind: 'alarm', level: alarm.level, channel, alarm, deadline: null });
    }
    for (const d of channel.board.deadlines) {
      if (d.precedence.toUpperCase() === 'FLASH' && d.to === party && d.ackedAt === null && d.state === 'pending') {
        out.push({ key: `flash ${channel.id} ${d.messageId}`, kind: 'flash', level: 'flash', channel, alarm: null, deadline: d });
      }
    }
  }
  return out;
}

/** Deadlines this member's party must acknowledge (the ack buttons), by message id. */
export function awaitingOurAck(board: Board, party: string): Map<string, Deadline> {
  const out = new Map<string, Deadline>();
  for (const c of board.channels) for (const d of c.board.deadlines) if (d.to === party && d.ackedAt === null) out.set(`${c.id} ${d.messageId}`, d);
  return out;
}

const SEVERITY = ['flash', 'overdue', 'late', 'escalated', 'silent', 'critical'];

/** The most severe level among the alarms, for the banner's colour and the sound's urgency. */
export function worstLevel(alarms: readonly ActiveAlarm[]): string | null {
  let worst: string | null = null;
  for (const a of alarms) if (worst === null || SEVERITY.indexOf(a.level) > SEVERITY.indexOf(worst)) worst = a.level;
  return worst;
}
