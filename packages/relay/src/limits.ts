/** The relay's configurable bounds, and the counter shape modules are handed for metrics. */

export interface RelayLimits {
  /** Largest HTTP body or WebSocket message, bytes. */
  readonly maxBodyBytes: number;
  readonly maxPending: number;
  readonly maxBatch: number;
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Unanswered submissions one WebSocket may have in flight before it is closed. */
  readonly maxInFlightPerSocket: number;
  /** Bytes queued to one WebSocket before its live deliveries switch to catch-up from storage. */
  readonly subscriberBufferBytes: number;
  readonly maxMailPerDevice: number;
  readonly maxStreamRead: number;
}

/** A metrics counter (node-files/metrics): adds `amount` (default 1) under `labels`. */
export type Count = (amount?: number, labels?: Record<string, string>) => void;
