/**
 * The console API's JSON as the page reads it (docs/spec/console-api.md): the terminal views
 * (packages/terminal/src/views) restated here, because the page must not import the terminal
 * (it holds node-only code). Times are ms on the terminal's clock; ids and keys are whole hex.
 */
import type { NameSafety } from '../ui/names.js';
import type { CheckEvidence } from '../../../src/shared/check/evidence.js';

export type Language = 'en' | 'ru';

export interface Session {
  readonly party: string;
  readonly member: string;
  readonly roles: readonly string[];
  readonly device: string;
  readonly language: Language;
  readonly now: number;
  readonly relay: string;
  /** The change feed's newest id when the session was read: the stream starts after it. */
  readonly feed: number;
  readonly channels: readonly { readonly id: string; readonly name: string; readonly internal: boolean }[];
}

export type Liveness = 'live' | 'late' | 'silent' | 'frozen';
export type DeadlineState = 'pending' | 'met' | 'overdue' | 'escalated' | 'critical';

export interface PartyBoard {
  readonly party: string;
  readonly lastHeartbeat: number | null;
  readonly lastMessage: number | null;
  readonly state: Liveness;
  readonly cosignedSeq: number;
  readonly reason: string | null;
}

export interface Deadline {
  readonly messageId: string;
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly precedence: string;
  readonly due: number;
  readonly ackedAt: number | null;
  readonly state: DeadlineState;
}

export interface Alarm {
  readonly code: 'ack_overdue' | 'party_late' | 'party_silent' | string;
  readonly level: string;
  readonly message: string;
  readonly party: string;
  readonly seq: number | null;
  readonly messageId: string | null;
  readonly due: number | null;
}

export interface ChannelBoard {
  readonly frozen: boolean;
  readonly parties: readonly PartyBoard[];
  readonly deadlines: readonly Deadline[];
  readonly alarms: readonly Alarm[];
}

export interface MemberView {
  readonly deviceKey: string;
  readonly party: string | null;
  readonly member: string | null;
  readonly roles: readonly string[];
  readonly revoked: boolean;
}

/** One of the charter's two-person rules. */
export interface ApprovalRule {
  readonly party: string;
  readonly precedence: string;
  readonly required: number;
  readonly roles: readonly string[];
}

export interface ChannelView {
  readonly name: string;
  readonly id: string;
  readonly parties: readonly string[];
  readonly head: { readonly seq: number; readonly chain: string };
  readonly epoch: number;
  readonly keyUpdateDue: boolean;
  readonly unsent: number;
  readonly internal: boolean;
  readonly members: readonly MemberView[];
  readonly board: ChannelBoard;
  /** What the charter every party signed says about approvals and acknowledgements. */
  readonly charter: { readonly approvals: readonly ApprovalRule[]; readonly ackRoles: readonly string[] };
}

export interface LogView {
  readonly origin: string;
  readonly size: number;
  readonly root: string;
  readonly witnesses: readonly string[];
  readonly cosignedAt: number;
}

export interface EvidenceAlert {
  readonly kind: 'evidence';
  readonly id: number;
  readonly code: string;
  readonly message: string;
  readonly channel: string | null;
  readonly seq: number | null;
  readonly logIndex: number | null;
  readonly at: number;
  readonly evidence: Readonly<Record<string, string>> | null;
}

export interface Condition {
  readonly kind: 'condition';
  readonly id: number;
  readonly code: string;
  readonly message: string;
  readonly channel: string | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly durationMs: number;
}

export interface AlertsView {
  readonly open: readonly Condition[];
  readonly evidence: readonly EvidenceAlert[];
  readonly resolved: readonly Condition[];
  readonly evidenceOnRecord: boolean;
}

export interface DeviceRef {
  readonly party: string;
  readonly member: string;
  readonly deviceKey: string;
}

export interface DraftView {
  readonly id: string;
  /** The target channel, by name. */
  readonly channel: string;
  readonly author: DeviceRef | null;
  readonly precedence: string;
  readonly language: string;
  readonly text: string;
  readonly approvedBy: readonly DeviceRef[];
  readonly required: number;
  readonly sent: string | null;
  readonly mine: boolean;
  readonly state: 'sent' | 'ready' | 'waiting';
}

export interface Board {
  readonly now: number;
  readonly device: { readonly party: string; readonly member: string; readonly roles: readonly string[]; readonly key: string };
  readonly relay: { readonly url: string; readonly reachable: boolean };
  readonly log: LogView | null;
  readonly bounds: { readonly freshnessSeconds: number; readonly coverageSeconds: number };
  readonly directory: { readonly devices: number };
  readonly channels: readonly ChannelView[];
  readonly alerts: AlertsView;
  readonly drafts: readonly DraftView[];
  /** Look-alike names per channel id (ui/names.ts). */
  readonly names: Readonly<Record<string, NameSafety>>;
}

export type BadgeState = 'verified' | 'pending' | 'invalid' | 'withheld';

export interface Badge {
  readonly state: BadgeState;
  readonly alert: { readonly code: string; readonly message: string } | null;
}

export interface StatementEvidence {
  readonly logIndex: number;
  readonly receivedAt: number;
  readonly checkpoint: { readonly size: number; readonly witnesses: readonly string[] } | null;
  readonly author: { readonly party: string; readonly member: string; readonly roles: readonly string[]; readonly deviceKey: string } | null;
}

export interface ConsoleEntry {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly time: number;
  readonly author: string;
  readonly precedence: string | null;
  readonly text: string;
  readonly valid: boolean;
  readonly evidence: StatementEvidence;
  readonly badge: Badge;
  /** For messages; null for every other type. */
  readonly thread: ThreadFactsWire | null;
}

/** packages/terminal/src/views/thread-facts.ts, as JSON. */
export interface ThreadFactsWire {
  readonly parent: string | null;
  /** The parent's seq in this channel, or null if this terminal archived no statement with that id. */
  readonly parentSeq: number | null;
  readonly replies: readonly string[];
  readonly edits: readonly { readonly seq: number; readonly id: string; readonly text: string; readonly time: number }[];
  readonly closed: boolean;
  readonly acks: readonly { readonly party: string; readonly member: string; readonly seq: number; readonly id: string }[];
  readonly receipts: readonly { readonly party: string; readonly member: string; readonly kind: 'delivered' | 'read'; readonly seq: number }[];
}

export interface TranscriptPage {
  readonly channel: string;
  readonly entries: readonly ConsoleEntry[];
  readonly more: boolean;
}

/** The whole evidence answer: what the independent check reads (CheckEvidence) and what the panel shows besides. */
export interface Evidence extends CheckEvidence {
  readonly badge: Badge;
  readonly author: CheckEvidence['author'] & { readonly party: string; readonly member: string; readonly roles: readonly string[]; readonly certificateLogIndex: number | null };
  readonly witnessKeys: readonly string[];
}

export type FeedKind = 'statement' | 'alert' | 'alarm' | 'condition_opened' | 'condition_ended';

export interface FeedEvent {
  readonly id: number;
  readonly at: number;
  readonly kind: FeedKind;
  readonly channel: string | null;
  readonly seq: number | null;
  readonly ref: number | null;
  /** For a statement: its transcript entry as the terminal serves it (null if it has none to show). */
  readonly entry?: ConsoleEntry | null;
}

export type Precedence = 'flash' | 'immediate' | 'priority' | 'routine';
export const PRECEDENCES: readonly Precedence[] = ['flash', 'immediate', 'priority', 'routine'];
