/**
 * Party root keys (DESIGN.md §4): Ed25519 keys named by the party, exchanged out of band as
 * C2SP vkeys (`name+keyid+base64(0x01 || key)`) and pinned by every other party.
 */
import { generateSignerKey, KeyType, parseVerifierKey, type SignerKey, type VerifierKey } from '@hotline/log';
import { fail, ok, type Result } from './errors.js';
import { signerFor, type Signer } from './hashing.js';
import { PARTY_NAME_RULE, partyNameProblem } from './names.js';

export function generatePartyRoot(party: string): SignerKey {
  const problem = partyNameProblem(party);
  if (problem !== undefined) throw new TypeError(`invalid party name ${JSON.stringify(party)}: ${problem}`);
  return generateSignerKey(party, KeyType.ed25519);
}

export function partyRootSigner(root: SignerKey): Signer & { readonly name: string } {
  const signer = signerFor(root.seed);
  return { name: root.name, publicKey: signer.publicKey, sign: (m) => signer.sign(m) };
}

/** Parses a counterparty's root vkey as received out of band. */
export function parsePartyRoot(vkey: string): Result<VerifierKey> {
  const key = parseVerifierKey(vkey);
  if (!key.ok) return fail('malformed_encoding', key.error.message);
  if (key.value.type === KeyType.cosignatureV1) return fail('malformed_encoding', `${key.value.name} is a witness's cosignature key (type 0x04), not a party root: a party root is an Ed25519 note key (type 0x01), from 'hotline party export'`);
  if (key.value.type !== KeyType.ed25519) return fail('malformed_encoding', 'a party root must be an Ed25519 note key (type 0x01)');
  const problem = partyNameProblem(key.value.name);
  if (problem !== undefined) return fail('malformed_encoding', `${JSON.stringify(key.value.name)} is not a party name: ${problem} (${PARTY_NAME_RULE})`);
  return ok(key.value);
}
