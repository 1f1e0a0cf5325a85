/**
 * A charter as typed data: what `hotline channel show` prints and the console will show before
 * a party's administrator signs — every term of docs/spec/protocol.md's charter, and which
 * parties have signed. Needs only the charter: it is read before anything is in force.
 */
import { toHex } from '@hotline/log';
import type { Charter } from '@hotline/protocol';

const PRECEDENCES = ['flash', 'immediate', 'priority', 'routine'] as const;

export interface CharterView {
  readonly name: string;
  /** Whole (32 hex). */
  readonly id: string;
  /** ms. */
  readonly created: number;
  /** Each party with its root key (64 hex) and whether its root signed this copy. */
  readonly parties: readonly { readonly name: string; readonly rootKey: string; readonly signed: boolean }[];
  /** True for a party's internal channel (one party: drafts and approvals). */
  readonly internal: boolean;
  readonly memberRoles: readonly string[];
  readonly ackRoles: readonly string[];
  /** Seconds to acknowledge, by precedence; 0 means no deadline. */
  readonly ackDeadlines: { readonly flash: number; readonly immediate: number; readonly priority: number; readonly routine: number };
  /** The two-person rule: messages of `precedence` from `party` need `required` approvals by members with one of `roles`. */
  readonly approvals: readonly { readonly party: string; readonly precedence: string; readonly required: number; readonly roles: readonly string[] }[];
  readonly heartbeatSeconds: number;
  readonly lateSeconds: number;
  readonly silentSeconds: number;
  readonly keyUpdateSeconds: number;
  /** The witness policy (c2sp.org/tlog-policy), verbatim. */
  readonly witnessPolicy: string;
  /** Channel ids (32 hex) its statements may be forwarded to with their proof; empty: none. */
  readonly forwardTo: readonly string[];
  /** Parties whose root has not signed yet, by name. */
  readonly unsigned: readonly string[];
}

export function charterView(charter: Charter): CharterView {
  const signed = new Set(charter.signatures.map((s) => s.party));
  const parties = charter.parties.map((p, i) => ({ name: p.name, rootKey: toHex(p.rootKey), signed: signed.has(i) }));
  const [flash, immediate, priority, routine] = charter.ackDeadlines;
  return {
    name: charter.name,
    id: toHex(charter.channelId),
    created: charter.created,
    parties,
    internal: charter.parties.length === 1,
    memberRoles: [...charter.memberRoles],
    ackRoles: [...charter.ackRoles],
    ackDeadlines: { flash: flash ?? 0, immediate: immediate ?? 0, priority: priority ?? 0, routine: routine ?? 0 },
    approvals: charter.approvals.map((a) => ({ party: charter.parties[a.party]?.name ?? `party ${a.party}`, precedence: PRECEDENCES[a.precedence - 1] ?? `precedence ${a.precedence}`, required: a.required, roles: [...a.roles] })),
    heartbeatSeconds: charter.heartbeatSeconds,
    lateSeconds: charter.lateSeconds,
    silentSeconds: charter.silentSeconds,
    keyUpdateSeconds: charter.keyUpdateSeconds,
    witnessPolicy: charter.witnessPolicy,
    forwardTo: charter.forwardTo.map(toHex),
    unsigned: parties.filter((p) => !p.signed).map((p) => p.name),
  };
}
