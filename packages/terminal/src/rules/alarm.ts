/** An alarm the board raises (its own file so errors.ts can name it without importing the board, and through it the archive). */
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
