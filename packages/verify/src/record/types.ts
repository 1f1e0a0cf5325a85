/**
 * The shapes of a record bundle's verification (docs/spec/record.md): what goes into
 * `encodeRecordBundle`, what a verifier is trusted with, and what it answers — a typed result,
 * either the summary and the verified transcript, or the first failure in the spec's order.
 * Renderings and `hotline verify` read only these types, never the bundle's JSON.
 */
import type { VerifierKey } from '@hotline/log';
import type { Charter, DeviceCertificate, Role, Statement } from '@hotline/protocol';
import type { ForwardOutcome } from '../forward/verify-forward.js';
import type { LoggedDevice } from '../directory/directory-entry.js';

export const RECORD_MEDIA_TYPE = 'application/vnd.hotline.record+json;version=1';

/** The order of checks (record.md): a failure names the first step, and the first item in it, that fails. */
export const RECORD_STEPS = ['format', 'trust', 'checkpoints', 'proofs', 'directory', 'records', 'statements', 'rules'] as const;
export type RecordStep = (typeof RECORD_STEPS)[number];

/** What the verifier is given to trust, and nothing else: the parties' roots and the witness policy. */
export interface RecordTrust {
  /** C2SP vkeys of the party roots (`name+keyid+base64`). */
  readonly roots: readonly string[];
  /** c2sp.org/tlog-policy text: the log's key, the witnesses and their quorum. */
  readonly policy: string;
}

export interface SignatureCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Verifies Ed25519 signatures in a batch (the CLI passes a worker pool for `--workers N`). */
export type BatchSignatureVerifier = (items: readonly SignatureCheck[]) => Promise<boolean[]>;

/** What the exporter hands `encodeRecordBundle`. */
export interface RecordBundleInput {
  readonly charter: Uint8Array;
  /** The complete seq range A..B, one element per seq. */
  readonly channel: {
    readonly from: number;
    /** chain[from − 1]. */
    readonly startChain: Uint8Array;
    readonly entries: readonly ChannelEntryInput[];
  };
  /** [0] final; the rest earlier checkpoints, ascending size. Signed-note text, verbatim. */
  readonly checkpoints: readonly string[];
  /** consistency[i] proves checkpoints[i + 1] consistent with checkpoints[0]. */
  readonly consistency: readonly (readonly Uint8Array[])[];
  /** One per charter party, in charter order: its whole directory stream. */
  readonly directory: readonly { readonly party: string; readonly entries: readonly DirectoryEntryInput[] }[];
  /** The batched inclusion proof of every log index in `directory` and `channel` against checkpoints[0]. */
  readonly inclusion: readonly Uint8Array[];
}

export interface ChannelEntryInput {
  readonly logIndex: number;
  readonly envelopeHash: Uint8Array;
  readonly receivedAt: number;
  readonly content: { readonly statement: Uint8Array } | { readonly withheld: Uint8Array } | { readonly handshake: true };
}

export interface DirectoryEntryInput {
  readonly logIndex: number;
  /** The 146-byte log record. */
  readonly record: Uint8Array;
  /** The certificate or revocation the record logs. */
  readonly entry: Uint8Array;
}

export interface RecordFailure {
  readonly step: RecordStep;
  /** The first failing item, e.g. "seq 4711", "checkpoint 0", "party moscow entry 3". */
  readonly item: string;
  readonly code: string;
  /** One line for people, naming the item: "seq 4711: commitment mismatch". */
  readonly message: string;
}

export interface RecordSummary {
  readonly roots: readonly { readonly party: string; readonly vkey: string }[];
  readonly witnesses: readonly string[];
  /** "2 of 2". */
  readonly quorum: string;
  readonly checkpoint: { readonly origin: string; readonly size: number };
  readonly from: number;
  readonly to: number;
  readonly statements: number;
  readonly withheld: number;
  readonly handshakes: number;
  /** True only when a rules check ran (`options.checkRules`) and found no failure. */
  readonly rulesChecked: boolean;
}

export interface TranscriptAuthor {
  readonly party: string;
  readonly member: string;
  readonly roles: readonly Role[];
  /** Hex of the device key. */
  readonly device: string;
}

export interface TranscriptStatement {
  /** Hex statement id. */
  readonly id: string;
  /** protocol.md §13 type name: message, receipt, ack, approval, heartbeat, edit, … */
  readonly type: string;
  readonly author: TranscriptAuthor;
  /** The author's clock, ms. */
  readonly time: number;
  readonly head: { readonly seq: number };
  /** Hex id of the statement this one refers to. */
  readonly parent?: string;
  readonly body: TranscriptBody;
  /** Names of the hotline rules it breaks (empty when it keeps them all). */
  readonly breaches: readonly string[];
}

export type TranscriptBody =
  | { readonly kind: 'message'; readonly precedence: 'FLASH' | 'IMMEDIATE' | 'PRIORITY' | 'ROUTINE'; readonly language: string; readonly text: string; readonly approvals: number }
  | { readonly kind: 'ack'; readonly message: string }
  | { readonly kind: 'receipt'; readonly receipt: 'delivered' | 'read'; readonly ids: readonly string[] }
  | TranscriptForward
  | { readonly kind: 'other' };

/**
 * A forward (protocol.md §13.3) as the record shows it: the forwarder's comment and what the
 * rules step found of its origin — verified (channel, seq, author, checkpoint, the original's
 * text), unverifiable (a source party the trust basis does not pin), invalid (the first check
 * that failed), or unchecked (the rules step was skipped). `line` is the one line every view prints.
 */
export interface TranscriptForward {
  readonly kind: 'forward';
  readonly comment: string;
  readonly status: 'verified' | 'unverifiable' | 'invalid' | 'unchecked';
  readonly line: string;
  readonly origin?: {
    readonly channel: string;
    /** Hex channel id. */
    readonly channelId: string;
    readonly seq: number;
    readonly author: { readonly party: string; readonly member: string };
    readonly checkpoint: { readonly origin: string; readonly size: number };
    readonly logIndex: number;
    readonly receivedAt: number;
    /** The original message's text ('' if it does not decode as one, which verification refuses). */
    readonly text: string;
  };
  /** Why it is unverifiable or invalid. */
  readonly reason?: string;
}

export interface TranscriptItem {
  readonly seq: number;
  readonly logIndex: number;
  /** The relay's receive time from the log record (ms), bounded by the witnesses' cosignatures. */
  readonly receivedAt: number;
  readonly kind: 'statement' | 'withheld' | 'handshake';
  readonly statement?: TranscriptStatement;
}

export interface RecordTranscript {
  readonly channel: { readonly name: string; readonly id: string; readonly parties: readonly string[] };
  readonly checkpoint: {
    readonly origin: string;
    readonly size: number;
    /** Hex root hash. */
    readonly root: string;
    readonly cosignatures: readonly { readonly witness: string; readonly time: number }[];
  };
  readonly items: readonly TranscriptItem[];
}

export type RecordVerdict =
  | { readonly ok: true; readonly summary: RecordSummary; readonly transcript: RecordTranscript }
  | { readonly ok: false; readonly failure: RecordFailure };

/** What the rules step is given: the verified channel history, in seq order. */
export interface RecordRulesInput {
  readonly charter: Charter;
  /** chain[from − 1]: the history the first item extends. */
  readonly startChain: Uint8Array;
  readonly items: readonly RecordRulesItem[];
  /** A device of the bundle's directory (by lower-case hex key) with its certificate's and first revocation's log indexes; judge it at a point with `deviceAt`. */
  readonly device: (deviceKeyHex: string) => LoggedDevice | undefined;
  /** The trust basis's party roots, by party name: what a forward's source charter is checked against. */
  readonly pinned: ReadonlyMap<string, VerifierKey>;
}

export interface RecordRulesItem {
  readonly seq: number;
  readonly logIndex: number;
  readonly receivedAt: number;
  /** chain[seq], from the rebuilt record. */
  readonly chainHash: Uint8Array;
  readonly kind: 'statement' | 'withheld' | 'handshake';
  /** For a revealed statement: it, verified (signature, channel, certificate at record time). */
  readonly statement?: Statement;
  /** Its statementId, lower-case hex. */
  readonly statementIdHex?: string;
  readonly certificate?: DeviceCertificate;
}

export interface RecordRulesOutcome {
  /** The first rule the history breaks so badly that the bundle fails (step "rules"). */
  readonly failure?: { readonly item: string; readonly code: string; readonly message: string };
  /** Rule names each seq's statement breaks, shown in the transcript. */
  readonly breaches?: ReadonlyMap<number, readonly string[]>;
  /** What each forward's check found, by seq. */
  readonly forwards?: ReadonlyMap<number, ForwardOutcome>;
}

/**
 * The hotline rules over a bundle's history. The default is `hotlineRecordRules`
 * (record-rules.ts: packages/verify's rules, the terminals' own); `null` skips the step, and
 * the summary then says so (`rulesChecked: false`).
 */
export type RecordRulesCheck = (input: RecordRulesInput) => RecordRulesOutcome | Promise<RecordRulesOutcome>;

export interface RecordVerifyOptions {
  /** Default: sequential, in this thread. */
  readonly verifySignatures?: BatchSignatureVerifier;
  /** Default: `hotlineRecordRules`; `null`: rules not checked. */
  readonly checkRules?: RecordRulesCheck | null;
}
