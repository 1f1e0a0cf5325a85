/**
 * The MLS layer with the node:crypto provider: real RFC 9420 groups via ts-mls, interoperating
 * with the library's default provider, rejecting tampered and replayed messages, and refusing
 * members the directory does not vouch for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decode,
  defaultCryptoProvider,
  defaultProposalTypes,
  encode,
  joinGroup,
  mlsMessageDecoder,
  mlsMessageEncoder,
  processMessage,
  type ClientState,
  type MlsContext,
  type MlsFramedMessage,
} from 'ts-mls';
import { deviceKeyPackage, directoryAuthenticationService, mlsContext, type DeviceKeyPackage } from '../src/index.js';

/** The terminal's directory, reduced to what MLS needs: device key → allowed signature keys. */
class Directory {
  readonly entries = new Map<string, Uint8Array[]>();
  vouch(device: Uint8Array, signatureKey: Uint8Array): void {
    const k = Buffer.from(device).toString('hex');
    this.entries.set(k, [...(this.entries.get(k) ?? []), signatureKey]);
  }
  lookup = (device: Uint8Array) => this.entries.get(Buffer.from(device).toString('hex'));
}

interface Member {
  readonly device: Uint8Array;
  readonly context: MlsContext;
  readonly keys: DeviceKeyPackage;
  state?: ClientState;
}

async function member(directory: Directory, provider?: typeof defaultCryptoProvider, vouch = true): Promise<Member> {
  const device = new Uint8Array(randomBytes(32));
  const context = await mlsContext(directoryAuthenticationService(directory.lookup), provider);
  const keys = await deviceKeyPackage(context, device);
  if (vouch) directory.vouch(device, keys.signaturePublicKey);
  return { device, context, keys };
}

/** Wire round trip: every MLS message crosses the relay as bytes. */
function wire(message: MlsFramedMessage): MlsFramedMessage {
  const decoded = decode(mlsMessageDecoder, encode(mlsMessageEncoder, message));
  assert.ok(decoded !== undefined, 'decodes');
  return decoded as MlsFramedMessage;
}

async function twoPartyGroup(alice: Member, bob: Member): Promise<void> {
  alice.state = await createGroup({ context: alice.context, groupId: new Uint8Array(randomBytes(16)), keyPackage: alice.keys.publicPackage, privateKeyPackage: alice.keys.privatePackage });
  const added = await createCommit({ context: alice.context, state: alice.state, ratchetTreeExtension: true, extraProposals: [{ proposalType: defaultProposalTypes.add, add: { keyPackage: bob.keys.publicPackage } }] });
  alice.state = added.newState;
  assert.ok(added.welcome !== undefined);
  bob.state = await joinGroup({ context: bob.context, welcome: added.welcome.welcome, keyPackage: bob.keys.publicPackage, privateKeys: bob.keys.privatePackage });
}

async function send(from: Member, text: string): Promise<MlsFramedMessage> {
  const created = await createApplicationMessage({ context: from.context, state: from.state!, message: new TextEncoder().encode(text) });
  from.state = created.newState;
  return wire(created.message);
}

async function receive(to: Member, message: MlsFramedMessage): Promise<string> {
  const result = await processMessage({ context: to.context, state: to.state!, message });
  assert.equal(result.kind, 'applicationMessage');
  if (result.kind !== 'applicationMessage') throw new Error('unreachable');
  to.state = result.newState;
  return new TextDecoder().decode(result.message);
}

test('members on the node:crypto and default providers talk both ways', async () => {
  const directory = new Directory();
  const alice = await member(directory);
  const bob = await member(directory, defaultCryptoProvider);
  await twoPartyGroup(alice, bob);
  assert.equal(await receive(bob, await send(alice, 'FLASH: confirm receipt')), 'FLASH: confirm receipt');
  assert.equal(await receive(alice, await send(bob, 'received and understood')), 'received and understood');
});

test('a tampered ciphertext and a replayed message are refused', async () => {
  const directory = new Directory();
  const alice = await member(directory);
  const bob = await member(directory);
  await twoPartyGroup(alice, bob);
  const message = await send(alice, 'once');
  const bytes = encode(mlsMessageEncoder, message);
  const tampered = bytes.slice();
  tampered[tampered.length - 20]! ^= 1;
  await assert.rejects(processMessage({ context: bob.context, state: bob.state!, message: decode(mlsMessageDecoder, tampered) as MlsFramedMessage }));
  assert.equal(await receive(bob, message), 'once');
  await assert.rejects(processMessage({ context: bob.context, state: bob.state!, message }), 'the same message twice');
});

test('a member the directory does not vouch for cannot be added', async () => {
  const directory = new Directory();
  const alice = await member(directory);
  const stranger = await member(directory, undefined, false);
  alice.state = await createGroup({ context: alice.context, groupId: new Uint8Array(randomBytes(16)), keyPackage: alice.keys.publicPackage, privateKeyPackage: alice.keys.privatePackage });
  await assert.rejects(createCommit({ context: alice.context, state: alice.state, extraProposals: [{ proposalType: defaultProposalTypes.add, add: { keyPackage: stranger.keys.publicPackage } }] }));
  // A known device presenting a signature key its certificate does not vouch for is refused too.
  const impostor = await member(directory, undefined, false);
  directory.vouch(impostor.device, new Uint8Array(32).fill(7));
  await assert.rejects(createCommit({ context: alice.context, state: alice.state, extraProposals: [{ proposalType: defaultProposalTypes.add, add: { keyPackage: impostor.keys.publicPackage } }] }));
});
