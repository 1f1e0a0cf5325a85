/** A two-member MLS channel over a FakeRelayLog, with Boris's ChannelVerifier, for tests. */
import { randomBytes } from 'node:crypto';
import { createApplicationMessage, createCommit, createGroup, defaultProposalTypes, joinGroup, processMessage, encode, decode, mlsMessageEncoder, mlsMessageDecoder, type ClientState, type MlsContext, type MlsFramedMessage } from 'ts-mls';
import { encodeEnvelope, encodeMessageBody, EnvelopeKind, Precedence, signerFor, signStatement, statementCommitment, statementId, StatementType, type Signer, type Statement } from '@hotline/protocol';
import { ChannelVerifier, deviceKeyPackage, directoryAuthenticationService, inclusionFromTiles, mlsContext, type DeviceKeyPackage, type ChannelPosition, type ChannelVerifierDeps } from '../src/index.js';
import { FakeRelayLog } from './fake-log.js';

interface Party {
  readonly device: Signer;
  readonly context: MlsContext;
  readonly keys: DeviceKeyPackage;
  state?: ClientState;
}

export async function setup(position?: ChannelPosition, extra: Partial<ChannelVerifierDeps> = {}) {
  const vouched = new Map<string, Uint8Array[]>();
  const auth = directoryAuthenticationService((d) => vouched.get(Buffer.from(d).toString('hex')));
  const make = async (): Promise<Party> => {
    const device = signerFor(randomBytes(32));
    const context = await mlsContext(auth);
    const keys = await deviceKeyPackage(context, device.publicKey);
    vouched.set(Buffer.from(device.publicKey).toString('hex'), [keys.signaturePublicKey]);
    return { device, context, keys };
  };
  const alice = await make();
  const boris = await make();
  alice.state = await createGroup({ context: alice.context, groupId: new Uint8Array(randomBytes(16)), keyPackage: alice.keys.publicPackage, privateKeyPackage: alice.keys.privatePackage });
  const added = await createCommit({ context: alice.context, state: alice.state, ratchetTreeExtension: true, extraProposals: [{ proposalType: defaultProposalTypes.add, add: { keyPackage: boris.keys.publicPackage } }] });
  alice.state = added.newState;
  boris.state = await joinGroup({ context: boris.context, welcome: added.welcome!.welcome, keyPackage: boris.keys.publicPackage, privateKeys: boris.keys.privatePackage });
  const channelId = new Uint8Array(randomBytes(16));
  const log = new FakeRelayLog();
  /** Statement ids the "archive" holds: what the terminal's archive answers for duplicates. */
  const seen = new Set<string>();
  const members = new Set([alice, boris].map((p) => Buffer.from(p.device.publicKey).toString('hex')));
  const verifier = new ChannelVerifier(channelId, {
    decrypt: async (envelope) => {
      const message = decode(mlsMessageDecoder, envelope.payload) as MlsFramedMessage | undefined;
      if (message === undefined) throw new Error('not an MLS message');
      const result = await processMessage({ context: boris.context, state: boris.state!, message });
      if (result.kind !== 'applicationMessage') throw new Error('not an application message');
      boris.state = result.newState;
      return result.message;
    },
    isMemberDevice: (key) => members.has(Buffer.from(key).toString('hex')),
    isDuplicate: (statement) => seen.has(Buffer.from(statementId(statement)).toString('hex')),
    inclusion: inclusionFromTiles(log.monitor, log.fetchTile),
    ...extra,
  }, position);

  /** Alice says something: a statement, encrypted with MLS, in an envelope. */
  const say = async (text: string, tweak: { author?: Signer; channel?: Uint8Array; plaintext?: Uint8Array; commitment?: Uint8Array } = {}) => {
    const author = tweak.author ?? alice.device;
    const statement: Statement = signStatement({
      type: StatementType.message,
      channelId: tweak.channel ?? channelId,
      author: author.publicKey,
      time: Date.now(),
      head: { seq: verifier.position.nextSeq - 1, chainHash: verifier.position.chain },
      body: encodeMessageBody({ precedence: Precedence.flash, language: 'en', text }),
      salt: new Uint8Array(randomBytes(32)),
    }, author);
    const sent = await createApplicationMessage({ context: alice.context, state: alice.state!, message: tweak.plaintext ?? statement.bytes });
    alice.state = sent.newState;
    const commitment = tweak.commitment ?? statementCommitment(statement);
    return { envelope: encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment, payload: encode(mlsMessageEncoder, sent.message) }), commitment };
  };
  return { channelId, log, verifier, say, seen };
}


