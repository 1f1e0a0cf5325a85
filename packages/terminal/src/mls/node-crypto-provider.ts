/**
 * A ts-mls ciphersuite provider on node:crypto for Hotline's ciphersuite
 * MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (id 1): SHA-256, HMAC, HKDF, AES-128-GCM and
 * Ed25519 through OpenSSL; the library's own HPKE (X25519 KEM) is kept. ts-mls's default
 * provider re-imports a WebCrypto key for every operation, which costs more than the operation
 * (shared/notes/ts-mls-2.0.md: ~320 round trips/s vs ~2,000 with node:crypto). Members on
 * different providers interoperate: the bytes are the same, only the speed differs.
 */
import * as nodeCrypto from 'node:crypto';
import { CryptoError, defaultCryptoProvider, type CiphersuiteImpl, type CryptoProvider, type Hash, type Kdf, type Signature } from 'ts-mls';

export const HOTLINE_CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';
const HOTLINE_CIPHERSUITE_ID = 1;

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A bounded cache of imported keys, keyed by a hash of the key (never the key itself). */
class KeyCache {
  private readonly keys = new Map<string, nodeCrypto.KeyObject>();
  constructor(private readonly limit: number) {}
  get(material: Uint8Array, make: () => nodeCrypto.KeyObject): nodeCrypto.KeyObject {
    const id = nodeCrypto.hash('sha256', material, 'base64');
    let key = this.keys.get(id);
    if (key === undefined) {
      key = make();
      this.keys.set(id, key);
      if (this.keys.size > this.limit) this.keys.delete(this.keys.keys().next().value!);
    }
    return key;
  }
}

const signingKeys = new KeyCache(64);
const verifyingKeys = new KeyCache(4096);

/** ts-mls hands private keys as 32-byte seeds or, from older state, 48-byte PKCS#8. */
function seedOf(signKey: Uint8Array): Uint8Array {
  if (signKey.length === 32) return signKey;
  if (signKey.length === 48) return signKey.subarray(16);
  throw new CryptoError(`Ed25519 private key must be 32 or 48 bytes, got ${signKey.length}`);
}

const ed25519: Signature = {
  async sign(signKey, message) {
    const key = signingKeys.get(signKey, () => nodeCrypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seedOf(signKey)]), format: 'der', type: 'pkcs8' }));
    return plain(nodeCrypto.sign(null, message, key));
  },
  async verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      const key = verifyingKeys.get(publicKey, () => nodeCrypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }));
      return nodeCrypto.verify(null, message, key, signature);
    } catch {
      return false;
    }
  },
  async keygen() {
    const seed = nodeCrypto.randomBytes(32);
    const privateKey = nodeCrypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const spki = nodeCrypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    return { signKey: plain(seed), publicKey: plain(spki.subarray(SPKI_PREFIX.length)) };
  },
};

const sha256: Hash = {
  async digest(data) {
    return plain(nodeCrypto.hash('sha256', data, 'buffer'));
  },
  async mac(key, data) {
    return plain(nodeCrypto.createHmac('sha256', key).update(data).digest());
  },
  async verifyMac(key, mac, data) {
    const expected = nodeCrypto.createHmac('sha256', key).update(data).digest();
    return expected.length === mac.length && nodeCrypto.timingSafeEqual(expected, mac);
  },
};

/** RFC 5869 HKDF over HMAC-SHA-256, extract and expand kept separate as MLS needs them. */
const hkdfSha256: Kdf = {
  size: 32,
  async extract(salt, ikm) {
    return plain(nodeCrypto.createHmac('sha256', salt.length === 0 ? Buffer.alloc(32) : salt).update(ikm).digest());
  },
  async expand(prk, info, length) {
    if (length > 255 * 32) throw new CryptoError(`HKDF-Expand length ${length} exceeds 255 * HashLen`);
    const out = new Uint8Array(length);
    let previous: Uint8Array = new Uint8Array(0);
    for (let i = 1, at = 0; at < length; i++) {
      previous = plain(nodeCrypto.createHmac('sha256', prk).update(previous).update(info).update(Uint8Array.of(i)).digest());
      out.set(previous.subarray(0, Math.min(32, length - at)), at);
      at += 32;
    }
    return out;
  },
};

async function encryptAead(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, plaintext: Uint8Array): Promise<Uint8Array> {
  const cipher = nodeCrypto.createCipheriv('aes-128-gcm', key, nonce);
  if (aad !== undefined && aad.length > 0) cipher.setAAD(aad);
  return plain(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]));
}

async function decryptAead(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, ciphertext: Uint8Array): Promise<Uint8Array> {
  if (ciphertext.length < 16) throw new CryptoError('AEAD ciphertext shorter than its tag');
  try {
    const decipher = nodeCrypto.createDecipheriv('aes-128-gcm', key, nonce);
    if (aad !== undefined && aad.length > 0) decipher.setAAD(aad);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    return plain(Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]));
  } catch (error) {
    throw new CryptoError(`AEAD decryption failed: ${(error as Error).message}`);
  }
}

export const nodeCryptoProvider: CryptoProvider = {
  async getCiphersuiteImpl(id: number): Promise<CiphersuiteImpl> {
    const base = await defaultCryptoProvider.getCiphersuiteImpl(id);
    if (id !== HOTLINE_CIPHERSUITE_ID) return base;
    return { ...base, hash: sha256, kdf: hkdfSha256, signature: ed25519, hpke: { ...base.hpke, encryptAead, decryptAead } };
  },
};
