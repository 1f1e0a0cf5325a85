/**
 * This device's MLS key packages: the public halves are published to the relay for others to
 * claim when adding the device to a channel; the private halves stay here, sealed, until a
 * welcome made for that package arrives — then they are used once and deleted.
 */
import { prepared } from '../store/terminal-db.js';
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { decode, defaultCredentialTypes, encode, generateKeyPackageWithKey, keyPackageDecoder, keyPackageEncoder, privateKeyPackageDecoder, privateKeyPackageEncoder, type KeyPackage, type MlsContext, type PrivateKeyPackage } from 'ts-mls';
import type { Sealer } from '../store/sealer.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS key_packages (hash BLOB PRIMARY KEY, public BLOB NOT NULL, sealed_private BLOB NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;`;

export function keyPackageHash(encoded: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(encoded).digest());
}

export class KeyPackages {
  constructor(
    private readonly db: Database.Database,
    private readonly sealer: Sealer,
  ) {
    db.exec(SCHEMA);
  }

  /**
   * A new key package whose MLS signature key IS the device key (so the directory's certificate
   * for the device vouches for it), stored before its public half is returned for publishing.
   */
  async create(context: MlsContext, device: { publicKey: Uint8Array; seed: Uint8Array }, now: number): Promise<Uint8Array> {
    const { publicPackage, privatePackage } = await generateKeyPackageWithKey({
      credential: { credentialType: defaultCredentialTypes.basic, identity: device.publicKey },
      signatureKeyPair: { signKey: device.seed, publicKey: device.publicKey },
      cipherSuite: context.cipherSuite,
    });
    const encoded = encode(keyPackageEncoder, publicPackage);
    const hash = keyPackageHash(encoded);
    prepared(this.db, 'INSERT INTO key_packages (hash, public, sealed_private, created_at) VALUES (?, ?, ?, ?)').run(hash, encoded, this.sealer.seal(encode(privateKeyPackageEncoder, privatePackage), hash), now);
    return encoded;
  }

  find(hash: Uint8Array): { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage } | undefined {
    const row = prepared(this.db, 'SELECT public, sealed_private FROM key_packages WHERE hash = ?').get(hash) as { public: Buffer; sealed_private: Buffer } | undefined;
    if (row === undefined) return undefined;
    const publicPackage = decode(keyPackageDecoder, new Uint8Array(row.public));
    const privatePackage = decode(privateKeyPackageDecoder, this.sealer.open(row.sealed_private, hash, 'a stored key package'));
    return publicPackage === undefined || privatePackage === undefined ? undefined : { publicPackage, privatePackage };
  }

  /** Used: its private keys leave the disk. */
  remove(hash: Uint8Array): void {
    prepared(this.db, 'DELETE FROM key_packages WHERE hash = ?').run(hash);
  }

  count(): number {
    return Number((prepared(this.db, 'SELECT count(*) AS n FROM key_packages').get() as { n: number }).n);
  }
}
