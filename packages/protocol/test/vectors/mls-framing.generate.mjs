// Generates mls-framing.json: real RFC 9420 messages from ts-mls (an implementation this package
// does not use), for readMlsFraming's known-answer tests. Run from the repository root, where
// ts-mls is installed for the terminal:  node packages/protocol/test/vectors/mls-framing.generate.mjs
// The output is not deterministic (fresh keys); the tests check only the framing fields listed.
import { writeFileSync } from 'node:fs';
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  createProposal,
  defaultCredentialTypes,
  defaultProposalTypes,
  encode,
  generateKeyPackage,
  getCiphersuiteImpl,
  mlsMessageEncoder,
  unsafeTestingAuthenticationService,
} from 'ts-mls';

const hex = (b) => Buffer.from(b).toString('hex');
const context = { cipherSuite: await getCiphersuiteImpl('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'), authService: unsafeTestingAuthenticationService };
const member = (name) => generateKeyPackage({ credential: { credentialType: defaultCredentialTypes.basic, identity: new TextEncoder().encode(name) }, cipherSuite: context.cipherSuite });
const groupId = new Uint8Array(16).fill(0xab);
const alice = await member('alice');
const bob = await member('bob');
const carol = await member('carol');
const group = await createGroup({ context, groupId, keyPackage: alice.publicPackage, privateKeyPackage: alice.privatePackage });

const vectors = [];
const add = (name, message, fields) => vectors.push({ name, message: hex(encode(mlsMessageEncoder, message)), ...fields });

// Epoch 0: the opening commit, as a terminal sends it (private message, adds a member).
const opening = await createCommit({ context, state: group, ratchetTreeExtension: true, extraProposals: [{ proposalType: defaultProposalTypes.add, add: { keyPackage: bob.publicPackage } }] });
add('private commit, epoch 0 (a channel\'s opening commit)', opening.commit, { wireFormat: 2, epoch: 0, contentType: 3, groupId: hex(groupId) });
add('welcome (no framing to read)', opening.welcome, { error: 'malformed_mls_framing' });

// Epoch 1: a public commit, a public proposal, a private application message.
const second = await createCommit({ context, state: opening.newState, wireAsPublicMessage: true });
add('public commit, epoch 1', second.commit, { wireFormat: 1, epoch: 1, contentType: 3, groupId: hex(groupId) });
const proposal = await createProposal({ context, state: second.newState, wireAsPublicMessage: true, proposal: { proposalType: defaultProposalTypes.add, add: { keyPackage: carol.publicPackage } } });
add('public proposal, epoch 2', proposal.message, { wireFormat: 1, epoch: 2, contentType: 2, groupId: hex(groupId) });
const app = await createApplicationMessage({ context, state: second.newState, message: new TextEncoder().encode('hello') });
add('private application message, epoch 2', app.message ?? app.privateMessage, { wireFormat: 2, epoch: 2, contentType: 1, groupId: hex(groupId) });

writeFileSync(new URL('./mls-framing.json', import.meta.url), JSON.stringify({ generator: 'ts-mls 2.0.0-rc.10', vectors }, null, 2) + '\n');
console.log(`${vectors.length} vectors`);
