/**
 * Real record bundles, built in-process from fixed seeds (so they are byte-for-byte
 * reproducible): two party roots, a device certificate each, a charter both roots signed, a
 * MemoryTree log holding the directory records, the channel's records and other streams' records
 * in between, and checkpoints signed by a log key and cosigned by two witnesses. Never real
 * secrets.
 */
import {
  formatCheckpoint,
  formatVerifierKey,
  KeyType,
  MemoryTree,
  consistencyProof,
  expectOk,
  multiInclusionProof,
  noteSigner,
  foldRight,
  perfectSubtrees,
  signerKeyFromSeed,
  signNote,
  verifierKeyOf,
  type SignerKey,
} from '@hotline/log';
import {
  certificateHash,
  channelTag,
  draftCharter,
  encodeAckBody,
  encodeEnvelope,
  encodeMessageBody,
  encodeRecord,
  envelopeHash,
  EnvelopeKind,
  genesisChain,
  issueDeviceCertificate,
  issueRevocation,
  nextChain,
  partyRootSigner,
  partyTag,
  Precedence,
  RecordKind,
  revocationHash,
  signCharter,
  signerFor,
  signStatement,
  statementCommitment,
  statementId,
  StatementType,
  type StatementFields,
  type Charter,
  type DeviceCertificate,
  type Signer,
} from '@hotline/protocol';
import { encodeRecordBundle, type ChannelEntryInput, type DirectoryEntryInput, type RecordBundleInput, type RecordTrust } from '../src/index.js';

const seed = (byte: number) => new Uint8Array(32).fill(byte);

export const WASHINGTON = signerKeyFromSeed('washington', KeyType.ed25519, seed(1));
export const MOSCOW = signerKeyFromSeed('moscow', KeyType.ed25519, seed(2));
export const LOG_KEY = signerKeyFromSeed('relay.example/log', KeyType.ed25519, seed(3));
export const WITNESS_A = signerKeyFromSeed('witness-a.example', KeyType.cosignatureV1, seed(4));
export const WITNESS_B = signerKeyFromSeed('witness-b.example', KeyType.cosignatureV1, seed(5));
export const OTHER_ROOT = signerKeyFromSeed('moscow', KeyType.ed25519, seed(9));

const vkey = (key: SignerKey) => formatVerifierKey(verifierKeyOf(key));

export const POLICY = `log ${vkey(LOG_KEY)}\nwitness A ${vkey(WITNESS_A)}\nwitness B ${vkey(WITNESS_B)}\ngroup both 2 A B\nquorum both\n`;
export const TRUST: RecordTrust = { roots: [vkey(WASHINGTON), vkey(MOSCOW)], policy: POLICY };

const CHANNEL_ID = new Uint8Array(16).fill(0x42);
const T0 = 1_767_225_600_000; // 2026-01-01, ms

export interface FixtureOptions {
  /** How many seqs the channel has (all in the bundle). */
  readonly seqs: number;
  /** Seqs whose statement is withheld. */
  readonly withhold?: readonly number[];
  /** Seqs that are MLS handshakes. */
  readonly handshakes?: readonly number[];
  /** Every nth seq is an ack by the other party's principal of the message before it (0: none). */
  readonly ackEvery?: number;
  /** Text of each message. */
  readonly text?: (seq: number) => string;
  /** Records of other streams between the channel's (0: none). */
  readonly fillers?: number;
  /** Add an earlier checkpoint (at about half the log) with its consistency proof. */
  readonly earlierCheckpoint?: boolean;
  /** Witnesses that cosign (default both). */
  readonly cosigners?: readonly SignerKey[];
  /** Revoke washington's device after the channel's records. */
  readonly revokeAfter?: boolean;
  /** Changes a statement's bytes before the relay logs it (the log then holds the changed one). */
  readonly logged?: (seq: number, statement: Uint8Array) => Uint8Array;
  /** Changes a statement's fields before its author signs them (a statement an honest relay logs, that breaks a rule). */
  readonly fields?: (seq: number, fields: StatementFields) => StatementFields;
  /** This seq's statement is a forward whose body `make` builds, logging what it quotes in the tree first. */
  readonly forward?: { readonly seq: number; readonly make: (tree: MemoryTree) => Promise<Uint8Array> };
  /** The relay's receive time for a seq (default: increasing). */
  readonly receivedAt?: (seq: number) => number;
}

export interface Fixture {
  readonly input: RecordBundleInput;
  readonly bytes: Uint8Array;
  readonly trust: RecordTrust;
  readonly charter: Charter;
}

export const washingtonDevice = signerFor(seed(11));
export const moscowDevice = signerFor(seed(12));

function certify(root: SignerKey, member: string, device: Signer): DeviceCertificate {
  return issueDeviceCertificate(
    { party: root.name, member, roles: ['principal'], deviceKey: device.publicKey, notBefore: T0 / 1000 - 86_400, notAfter: T0 / 1000 + 365 * 86_400 },
    partyRootSigner(root),
  );
}

export function makeCharter(): Charter {
  const draft = draftCharter({
    channelId: CHANNEL_ID,
    name: 'Washington–Moscow direct line',
    created: T0,
    parties: [
      { name: 'washington', rootKey: partyRootSigner(WASHINGTON).publicKey },
      { name: 'moscow', rootKey: partyRootSigner(MOSCOW).publicKey },
    ],
    memberRoles: ['principal', 'operator'],
    ackDeadlines: [300, 1800, 3600, 86400],
    heartbeatSeconds: 3600,
    keyUpdateSeconds: 86400,
    approvals: [],
    witnessPolicy: POLICY,
  });
  return expectOk(signCharter(expectOk(signCharter(draft, partyRootSigner(WASHINGTON))), partyRootSigner(MOSCOW)));
}

/** A deterministic byte string: salts and payloads, distinct per (tag, n). */
function filled(tag: number, n: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (tag * 131 + n * 17 + i * 7) & 255);
}

class DirectoryStream {
  private chain: Uint8Array;
  readonly entries: DirectoryEntryInput[] = [];
  constructor(readonly party: string) {
    this.chain = genesisChain(partyTag(party));
  }
  append(tree: MemoryTree, kind: RecordKind, itemHash: Uint8Array, aux: Uint8Array, entry: Uint8Array, receivedAt: number): void {
    this.chain = nextChain(this.chain, itemHash);
    const record = encodeRecord({ kind, streamTag: partyTag(this.party), seq: this.entries.length + 1, itemHash, aux, chainHash: this.chain, receivedAt });
    this.entries.push({ logIndex: tree.appendEntry(record), record, entry });
  }
}

function rootOf(tree: MemoryTree, size: number): Uint8Array {
  // MemoryTree reads synchronously, so rootAt's promise settles with a value already computed.
  const nodes = perfectSubtrees(0, size);
  return foldRight(expectOk(tree.readNodes(nodes)));
}

function signCheckpoint(tree: MemoryTree, size: number, cosigners: readonly SignerKey[], time: number): string {
  const text = formatCheckpoint({ origin: LOG_KEY.name, size, rootHash: rootOf(tree, size), extensions: [] });
  return signNote(text, [noteSigner(LOG_KEY), ...cosigners.map((w) => noteSigner(w, () => time))]);
}

export async function buildFixture(options: FixtureOptions): Promise<Fixture> {
  const charter = makeCharter();
  const tree = new MemoryTree();
  const washington = new DirectoryStream('washington');
  const moscow = new DirectoryStream('moscow');
  const wCert = certify(WASHINGTON, 'president', washingtonDevice);
  const mCert = certify(MOSCOW, 'general-secretary', moscowDevice);
  washington.append(tree, RecordKind.certificate, certificateHash(wCert), wCert.deviceKey, wCert.bytes, T0 - 5000);
  moscow.append(tree, RecordKind.certificate, certificateHash(mCert), mCert.deviceKey, mCert.bytes, T0 - 4000);
  const filler = (n: number) => {
    for (let f = 0; f < (options.fillers ?? 0); f++) tree.appendEntry(filled(9, n * 10 + f, 146));
  };
  const tag = channelTag(charter.channelId);
  let chain = genesisChain(tag);
  let lastMessage: Uint8Array | undefined;
  const entries: ChannelEntryInput[] = [];
  for (let seq = 1; seq <= options.seqs; seq++) {
    filler(seq);
    const receivedAt = options.receivedAt?.(seq) ?? T0 + seq * 1000 + 50;
    let commitment: Uint8Array;
    let content: ChannelEntryInput['content'];
    if (options.handshakes?.includes(seq)) {
      commitment = new Uint8Array(32);
      content = { handshake: true };
    } else {
      const fromWashington = seq % 2 === 1;
      const device = fromWashington ? washingtonDevice : moscowDevice;
      const ack = options.ackEvery !== undefined && options.ackEvery > 0 && seq % options.ackEvery === 0 && lastMessage !== undefined;
      const forward = options.forward?.seq === seq ? await options.forward.make(tree) : undefined;
      const fields: StatementFields = {
          type: ack ? StatementType.ack : StatementType.message,
          channelId: charter.channelId,
          author: device.publicKey,
          time: T0 + seq * 1000,
          head: { seq: seq - 1, chainHash: chain },
          body: ack ? encodeAckBody(lastMessage!) : encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: options.text?.(seq) ?? `message ${seq}` }),
          salt: filled(1, seq, 32),
        };
      const chosen = forward === undefined ? fields : { ...fields, type: StatementType.forward, body: forward };
      const statement = signStatement(options.fields?.(seq, chosen) ?? chosen, device);
      if (!ack) lastMessage = statementId(statement);
      const bytes = options.logged?.(seq, statement.bytes) ?? statement.bytes;
      commitment = statementCommitment({ salt: statement.salt, bytes });
      content = options.withhold?.includes(seq) ? { withheld: commitment } : { statement: bytes };
    }
    const envelope = encodeEnvelope({ kind: 'handshake' in content ? EnvelopeKind.handshake : EnvelopeKind.application, channelId: charter.channelId, commitment, payload: filled(2, seq, 64) });
    const itemHash = envelopeHash(envelope);
    chain = nextChain(chain, itemHash);
    const record = encodeRecord({ kind: RecordKind.envelope, streamTag: tag, seq, itemHash, aux: commitment, chainHash: chain, receivedAt });
    entries.push({ logIndex: tree.appendEntry(record), envelopeHash: itemHash, receivedAt, content });
  }
  if (options.revokeAfter) {
    const revocation = issueRevocation({ party: 'washington', deviceKey: washingtonDevice.publicKey, time: T0 / 1000 + 7200, reason: 'rotated' }, partyRootSigner(WASHINGTON));
    washington.append(tree, RecordKind.revocation, revocationHash(revocation), revocation.deviceKey, revocation.bytes, T0 + 7_200_000);
  }
  filler(options.seqs + 1);
  const cosigners = options.cosigners ?? [WITNESS_A, WITNESS_B];
  const finalSize = tree.size;
  const checkpoints = [signCheckpoint(tree, finalSize, cosigners, T0 / 1000 + 10_000)];
  const consistency: Uint8Array[][] = [];
  if (options.earlierCheckpoint) {
    const earlier = Math.max(1, Math.floor(finalSize / 2));
    checkpoints.push(signCheckpoint(tree, earlier, cosigners, T0 / 1000 + 5_000));
    consistency.push(expectOk(await consistencyProof(earlier, finalSize, tree)));
  }
  const indexes = [...washington.entries, ...moscow.entries, ...entries].map((e) => e.logIndex).sort((a, b) => a - b);
  const input: RecordBundleInput = {
    charter: charter.bytes,
    channel: { from: 1, startChain: genesisChain(tag), entries },
    checkpoints,
    consistency,
    directory: [washington, moscow].map((d) => ({ party: d.party, entries: d.entries })),
    inclusion: expectOk(await multiInclusionProof(indexes, finalSize, tree)),
  };
  return { input, bytes: encodeRecordBundle(input), trust: TRUST, charter };
}
