/**
 * Party root keys (DESIGN.md §4): Ed25519 keys named by the party, exchanged out of band as
 * C2SP vkeys (`name+keyid+base64(0x01 || key)`) and pinned by every other party.
 */
import { generateSignerKey, KeyType, parseVerifierKey, type SignerKey, type VerifierKey } from '@hotline/log';
import { fail, ok, type Result } from './errors.js';
import { signerFor, type Signer } from './hashing.js';
import { isValidPartyName } from './names.js';

export function generatePartyRoot(party: string): SignerKey {
  if (!isValidPartyName(party)) throw new TypeError(`invalid party name ${JSON.stringify(party)}`);
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
  if (key.value.type !== KeyType.ed25519) return fail('malformed_encoding', 'a party root must be an Ed25519 note key (type 0x01)');
  if (!isValidPartyName(key.value.name)) return fail('malformed_encoding', `party name ${JSON.stringify(key.value.name)} is not valid`);
  return ok(key.value);
}
