/** The verified transcript and summary (types.ts): what renderings and `hotline verify` print. */
import { toHex, type Policy, type PolicyCheckpoint } from '@hotline/log';
import { StatementType, type Charter } from '@hotline/protocol';
import type { RebuiltRecord } from './rebuild.js';
import type { CheckedStatement } from './statements.js';
import type { TrustBasis } from './trust.js';
import type { ForwardOutcome } from '../forward/verify-forward.js';
import { transcriptForward } from '../forward/transcript-forward.js';
import type { RecordSummary, RecordTranscript, TranscriptItem } from './types.js';

const TYPE_NAMES = new Map<number, string>(Object.entries(StatementType).map(([name, type]) => [type, name]));

export function transcriptItems(records: readonly RebuiltRecord[], checked: readonly (CheckedStatement | undefined)[], breaches: ReadonlyMap<number, readonly string[]>, forwards: ReadonlyMap<number, ForwardOutcome> = new Map()): TranscriptItem[] {
  return records.map((r, i) => {
    const base = { seq: r.seq, logIndex: r.logIndex, receivedAt: r.receivedAt };
    const c = checked[i];
    if (c === undefined) return { ...base, kind: 'statement' in r.entry ? 'statement' : 'withheld' in r.entry ? 'withheld' : 'handshake' };
    const { statement, certificate, body } = c;
    return {
      ...base,
      kind: 'statement',
      statement: {
        id: c.idHex,
        type: TYPE_NAMES.get(statement.type) ?? String(statement.type),
        author: { party: certificate.party, member: certificate.member, roles: certificate.roles, device: toHex(statement.author) },
        time: statement.time,
        head: { seq: statement.head.seq },
        ...(statement.parent === undefined ? {} : { parent: toHex(statement.parent) }),
        body: body.kind === 'forward' ? transcriptForward(body.comment, forwards.get(r.seq)) : body,
        breaches: breaches.get(r.seq) ?? [],
      },
    };
  });
}

function quorumText(policy: Policy): string {
  if (policy.quorum === 'none') return 'none';
  const group = policy.groups.find((g) => g.name === policy.quorum);
  return group === undefined ? '1 of 1' : `${group.threshold} of ${group.members.length}`;
}

export function summarise(trust: TrustBasis, final: PolicyCheckpoint, items: readonly TranscriptItem[], rulesChecked: boolean): RecordSummary {
  const count = (kind: TranscriptItem['kind']) => items.filter((i) => i.kind === kind).length;
  return {
    roots: trust.roots.map((r) => ({ party: r.party, vkey: r.vkey })),
    witnesses: trust.policy.witnesses.filter((w) => final.witnessed.has(w.name)).map((w) => w.name),
    quorum: quorumText(trust.policy),
    checkpoint: { origin: final.checkpoint.origin, size: final.checkpoint.size },
    from: items[0]!.seq,
    to: items[items.length - 1]!.seq,
    statements: count('statement'),
    withheld: count('withheld'),
    handshakes: count('handshake'),
    rulesChecked,
  };
}

export function transcriptOf(charter: Charter, final: PolicyCheckpoint, trust: TrustBasis, items: readonly TranscriptItem[]): RecordTranscript {
  const names = new Map(trust.policy.witnesses.map((w) => [w.verifier, w.name]));
  return {
    channel: { name: charter.name, id: toHex(charter.channelId), parties: charter.parties.map((p) => p.name) },
    checkpoint: {
      origin: final.checkpoint.origin,
      size: final.checkpoint.size,
      root: toHex(final.checkpoint.rootHash),
      cosignatures: final.cosignatures.map((c) => ({ witness: names.get(c.verifier) ?? c.name, time: c.timestamp })),
    },
    items,
  };
}
