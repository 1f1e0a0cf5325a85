/** What every route and frame handler needs, assembled once by `startRelay`. */
import type { SignerKey, VerifierKey } from '@hotline/log';
import type { Fanout } from './fanout.js';
import type { LogWriter } from './log-writer.js';
import type { Logger } from './logger.js';
import type { Metrics } from '@hotline/node-files/metrics';
import type { RateLimiter } from './rate-limit.js';
import type { Sequencer } from './sequencer.js';
import type { Sessions } from './sessions.js';
import type { WitnessCollector } from './witnesses.js';
import type { RelayStore } from './storage/store.js';

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

export interface RelayContext {
  readonly origin: string;
  readonly logKey: SignerKey;
  readonly logVkey: string;
  readonly partyRoots: ReadonlyMap<string, VerifierKey>;
  readonly store: RelayStore;
  readonly sequencer: Sequencer;
  /** The log writer thread: durable commits, integrated size, latest checkpoint. */
  readonly log: LogWriter;
  /** Witness cosignatures for the log's checkpoints, and the policy they are judged by. */
  readonly witnesses: WitnessCollector;
  readonly sessions: Sessions;
  readonly limiter: RateLimiter;
  readonly metrics: Metrics;
  readonly count: {
    readonly http: (amount?: number, labels?: Record<string, string>) => void;
    readonly rejected: (amount?: number, labels?: Record<string, string>) => void;
    readonly sequenced: (amount?: number, labels?: Record<string, string>) => void;
    readonly delivered: (amount?: number, labels?: Record<string, string>) => void;
  };
  readonly fanout: Fanout;
  readonly logger: Logger;
  readonly limits: RelayLimits;
  readonly now: () => number;
}
