/**
 * A small in-memory channel for the rules' unit tests: real Ed25519 device keys, real signed
 * statements, and a StatementHistory that records each verdict the way the contract of
 * checkStatementRules asks (stored with its validity; a valid message's draft marked used).
 */
import { formatVerifierKey, KeyType, signerKeyFromSeed, toHex, verifierKeyOf } from '@hotline/log';
import {
  channelTag,
  draftCharter,
  genesisChain,
  nextChain,
  signerFor,
  signStatement,
  statementId,
  type ApprovalRule,
  type Charter,
  type Role,
  type Signer,
  type Statement,
  type StatementType,
} from '@hotline/protocol';
import { checkStatementRules, draftSentBy, type DirectoryEntry, type HistoryStatement, type RuleBreach, type StatementHistory } from '../src/index.js';

const POLICY = `log ${formatVerifierKey(verifierKeyOf(signerKeyFromSeed('relay.example/log', KeyType.ed25519, new Uint8Array(32).fill(3))))}\nquorum none\n`;

export interface Member {
  readonly signer: Signer;
  readonly entry: DirectoryEntry;
}

let seedCounter = 10;
export function member(party: string, name: string, roles: Role[]): Member {
  const signer = signerFor(new Uint8Array(32).fill(seedCounter++));
  return { signer, entry: { deviceKey: signer.publicKey, party, member: name, roles, notBefore: 0, notAfter: 4_000_000_000, logIndex: 0, revoked: false } };
}

export function charterFor(name: string, parties: string[], approvals: ApprovalRule[] = [], id = 1): Charter {
  return draftCharter({
    channelId: new Uint8Array(16).fill(id),
    name,
    created: 1_700_000_000,
    parties: parties.map((p, i) => ({ name: p, rootKey: new Uint8Array(32).fill(100 + i) })),
    memberRoles: ['principal', 'operator'],
    ackDeadlines: [60, 600, 3600, 0],
    heartbeatSeconds: 60,
    keyUpdateSeconds: 86400,
    approvals,
    witnessPolicy: POLICY,
  });
}

/** One channel's verified history, judged statement by statement in seq order. */
export class MemoryChannel implements StatementHistory {
  private readonly statements: HistoryStatement[] = [];
  private readonly chains: Uint8Array[] = [];
  private readonly usedDrafts = new Map<string, number>();
  private saltCounter = 0;

  constructor(
    readonly charter: Charter,
    private readonly directory: readonly Member[],
  ) {
    this.chains.push(genesisChain(channelTag(charter.channelId)));
  }

  get seq(): number {
    return this.statements.length;
  }

  chainAt(seq: number): Uint8Array | undefined {
    return this.chains[seq];
  }
  byId(id: Uint8Array): HistoryStatement | undefined {
    const hex = toHex(id);
    return this.statements.find((s) => toHex(statementId(s.statement)) === hex);
  }
  frozen(): boolean {
    const last = [...this.statements].reverse().find((s) => s.valid && (s.statement.type === 8 || s.statement.type === 9));
    return last?.statement.type === 8;
  }
  draftUsedAt(draft: string): number | undefined {
    return this.usedDrafts.get(draft);
  }

  /** A statement by `by`, citing the current head unless told otherwise. */
  statement(by: Member, type: StatementType, body: Uint8Array, extra: { parent?: Uint8Array; head?: { seq: number; chainHash: Uint8Array } } = {}): Statement {
    const salt = new Uint8Array(32).fill(++this.saltCounter % 256);
    return signStatement(
      {
        type,
        channelId: this.charter.channelId,
        author: by.signer.publicKey,
        time: 1_700_000_000_000 + this.seq,
        head: extra.head ?? { seq: this.seq, chainHash: this.chains[this.seq]! },
        ...(extra.parent === undefined ? {} : { parent: extra.parent }),
        body,
        salt,
      },
      by.signer,
    );
  }

  /** Judges it at the next seq and records it (valid or not), as the contract asks. */
  judge(s: Statement): RuleBreach | undefined {
    const seq = this.seq + 1;
    const lookup = (key: Uint8Array) => this.directory.find((m) => toHex(m.entry.deviceKey) === toHex(key))?.entry;
    const verdict = checkStatementRules({ charter: this.charter, author: lookup(s.author), device: lookup, history: this }, s, seq);
    this.statements.push({ seq, statement: s, valid: verdict === undefined });
    // The chain over the statement id stands in for the envelope hash: the rules only compare it.
    this.chains.push(nextChain(this.chains[seq - 1]!, statementId(s)));
    const draft = verdict === undefined ? draftSentBy(s) : undefined;
    if (draft !== undefined) this.usedDrafts.set(draft, seq);
    return verdict;
  }
}
