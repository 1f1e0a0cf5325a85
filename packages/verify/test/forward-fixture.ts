/**
 * A real forward's world, from fixed seeds: two party roots, a device certificate each in a
 * MemoryTree log, a source channel (whose charter may name forward targets) holding one message
 * by washington's president, and a target channel both roots signed; the message's record proven
 * by a tlog-proof under a checkpoint signed by the log key and cosigned by two witnesses. Never
 * real secrets.
 */
import {
  expectOk,
  foldRight,
  formatCheckpoint,
  formatTlogProof,
  inclusionProof,
  MemoryTree,
  noteSigner,
  perfectSubtrees,
  signNote,
  utf8,
  verifierKeyOf,
  type SignerKey,
  type VerifierKey,
} from '@hotline/log';
import {
  certificateHash,
  channelTag,
  draftCharter,
  encodeEnvelope,
  encodeForwardBody,
  encodeMessageBody,
  encodeRecord,
  envelopeHash,
  EnvelopeKind,
  genesisChain,
  issueDeviceCertificate,
  nextChain,
  partyRootSigner,
  partyTag,
  Precedence,
  RecordKind,
  signCharter,
  signStatement,
  statementCommitment,
  StatementType,
  type Charter,
  type ForwardBody,
  type Signer,
} from '@hotline/protocol';
import type { ForwardContext, LoggedDevice } from '../src/index.js';
import { LOG_KEY, MOSCOW, moscowDevice, POLICY, WASHINGTON, washingtonDevice, WITNESS_A, WITNESS_B } from './record-fixture.js';

export const SOURCE_ID = new Uint8Array(16).fill(0x42);
export const TARGET_ID = new Uint8Array(16).fill(0x43);
const T0 = 1_767_225_600_000;

export function charterFor(channelId: Uint8Array, name: string, forwardTo: readonly Uint8Array[] = [], policy = POLICY): Charter {
  const draft = draftCharter({
    channelId,
    name,
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
    witnessPolicy: policy,
    forwardTo,
  });
  return expectOk(signCharter(expectOk(signCharter(draft, partyRootSigner(WASHINGTON))), partyRootSigner(MOSCOW)));
}

function logged(root: SignerKey, member: string, device: Signer, tree: MemoryTree): LoggedDevice {
  const notBefore = T0 / 1000 - 86_400;
  const notAfter = T0 / 1000 + 365 * 86_400;
  const cert = issueDeviceCertificate({ party: root.name, member, roles: ['principal'], deviceKey: device.publicKey, notBefore, notAfter }, partyRootSigner(root));
  const tag = partyTag(root.name);
  const itemHash = certificateHash(cert);
  const logIndex = tree.appendEntry(encodeRecord({ kind: RecordKind.certificate, streamTag: tag, seq: 1, itemHash, aux: device.publicKey, chainHash: nextChain(genesisChain(tag), itemHash), receivedAt: T0 - 5000 }));
  return { deviceKey: device.publicKey, party: root.name, member, roles: ['principal'], notBefore, notAfter, logIndex };
}

export interface ForwardFixture {
  readonly source: Charter;
  readonly target: Charter;
  readonly parts: ForwardBody;
  readonly body: Uint8Array;
  readonly context: ForwardContext;
  readonly directory: readonly LoggedDevice[];
}

export interface ForwardFixtureOptions {
  /** The source channel's forward targets (default: the target channel). */
  readonly forwardTo?: readonly Uint8Array[];
  /** Witnesses cosigning the checkpoint (default both). */
  readonly cosigners?: readonly SignerKey[];
  /** Party names the receiver pins (default both). */
  readonly pinned?: readonly string[];
}

export interface ForwardInTree {
  readonly parts: ForwardBody;
  readonly body: Uint8Array;
}

/**
 * Logs the source channel's message (seq 1) in `tree`, signs a checkpoint of the tree as it then
 * is, and returns the forward body quoting that message with its tlog-proof.
 */
export async function forwardFromTree(tree: MemoryTree, source: Charter, cosigners: readonly SignerKey[] = [WITNESS_A, WITNESS_B]): Promise<ForwardInTree> {
  const tag = channelTag(source.channelId);
  const statement = signStatement(
    {
      type: StatementType.message,
      channelId: source.channelId,
      author: washingtonDevice.publicKey,
      time: T0 + 1000,
      head: { seq: 0, chainHash: genesisChain(tag) },
      body: encodeMessageBody({ precedence: Precedence.flash, language: 'en', text: 'We are standing down the alert.' }),
      salt: new Uint8Array(32).fill(0x5a),
    },
    washingtonDevice,
  );
  const commitment = statementCommitment(statement);
  const itemHash = envelopeHash(encodeEnvelope({ kind: EnvelopeKind.application, channelId: source.channelId, commitment, payload: new Uint8Array(64).fill(0x33) }));
  const record = encodeRecord({ kind: RecordKind.envelope, streamTag: tag, seq: 1, itemHash, aux: commitment, chainHash: nextChain(genesisChain(tag), itemHash), receivedAt: T0 + 1050 });
  const index = tree.appendEntry(record);
  tree.appendEntry(new Uint8Array(146).fill(8)); // another stream's record after
  const size = tree.size;
  const root = foldRight(expectOk(tree.readNodes(perfectSubtrees(0, size))));
  const checkpoint = signNote(formatCheckpoint({ origin: LOG_KEY.name, size, rootHash: root, extensions: [] }), [
    noteSigner(LOG_KEY),
    ...cosigners.map((w) => noteSigner(w, () => T0 / 1000 + 10_000)),
  ]);
  const proof = formatTlogProof({ index, inclusionProof: expectOk(await inclusionProof(index, size, tree)), checkpoint });
  const parts: ForwardBody = { original: statement.bytes, record, proof: utf8(proof), charter: source.bytes, comment: 'for your information' };
  return { parts, body: encodeForwardBody(parts) };
}

export async function buildForward(options: ForwardFixtureOptions = {}): Promise<ForwardFixture> {
  const source = charterFor(SOURCE_ID, 'Washington–Moscow direct line', options.forwardTo ?? [TARGET_ID]);
  const target = charterFor(TARGET_ID, 'Crisis staff line');
  const tree = new MemoryTree();
  const directory = [logged(WASHINGTON, 'president', washingtonDevice, tree), logged(MOSCOW, 'general-secretary', moscowDevice, tree)];
  tree.appendEntry(new Uint8Array(146).fill(7)); // another stream's record between
  const { parts, body } = await forwardFromTree(tree, source, options.cosigners);
  const roots: Record<string, VerifierKey> = { washington: verifierKeyOf(WASHINGTON), moscow: verifierKeyOf(MOSCOW) };
  const pinned = new Map((options.pinned ?? ['washington', 'moscow']).map((p) => [p, roots[p]!]));
  const context: ForwardContext = { target, pinned, device: (key) => directory.find((d) => d.deviceKey.every((b, i) => b === key[i])) };
  return { source, target, parts, body, context, directory };
}
