/** Where a channel's verified history stands: what the next envelope must extend. */
export interface ChannelPosition {
  /** The next seq this terminal expects. */
  readonly nextSeq: number;
  /** chain[nextSeq − 1]: the head of the history verified so far. */
  readonly chain: Uint8Array;
  /** The relay's receive time (ms) in the record of seq nextSeq − 1; 0 if unknown. */
  readonly receivedAt?: number;
}
