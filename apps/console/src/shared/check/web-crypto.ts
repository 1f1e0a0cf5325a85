/**
 * The browser's own primitives for the independent check: WebCrypto's Ed25519 and SHA-256, not
 * the @noble code the terminal's packages bundle — so the browser's answer on a signature and a
 * leaf hash comes from a second implementation.
 */

/** The bytes as an ArrayBuffer-backed view WebCrypto accepts (a subarray's offset kept). */
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buffer(bytes)));
}

/** RFC 6962 leaf hash: SHA-256(0x00 || entry). */
export async function leafHash(entry: Uint8Array): Promise<Uint8Array> {
  const input = new Uint8Array(entry.length + 1);
  input.set(entry, 1);
  return sha256(input);
}

/** Thrown when this browser's WebCrypto has no Ed25519 (the check cannot run, which is not a disagreement). */
export class NoEd25519 extends Error {}

type Key = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keys = new Map<string, Promise<Key>>();

function importKey(publicKey: Uint8Array): Promise<Key> {
  const id = String.fromCharCode(...publicKey);
  let key = keys.get(id);
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', buffer(publicKey), { name: 'Ed25519' }, false, ['verify']).catch((e: unknown) => {
      keys.delete(id);
      if ((e as { name?: unknown }).name === 'NotSupportedError') throw new NoEd25519('no Ed25519 in this browser');
      throw e;
    });
    if (keys.size > 256) keys.clear();
    keys.set(id, key);
  }
  return key;
}

export async function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const key = await importKey(publicKey);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, buffer(signature), buffer(message));
}
