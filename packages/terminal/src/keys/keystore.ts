/**
 * A terminal's home (HOTLINE_HOME): its party's root key, if this terminal administers the
 * party, and the counterparty roots it has pinned.
 *
 *   <home>/party.key            the party root signer key (0600; sealed if a passphrase is set)
 *   <home>/trusted/<name>.vkey  a pinned counterparty root, as received out of band
 *   <home>/device.key           this device's signing key (0600; sealed if a passphrase is set)
 *   <home>/device.cert          its certificate, once the party has issued it
 *   <home>/terminal.json        the relay this terminal uses
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesEqual, formatSignerKey, formatVerifierKey, generateSignerKey, KeyType, parsePolicy, parseSignerKey, parseVerifierKey, verifierKeyOf, type SignerKey, type VerifierKey } from '@hotline/log';
import { ensurePrivateDirectory, InsecureFileError, readSecretFile as readFileChecked, writeSecretFile } from '@hotline/node-files';
import { generatePartyRoot, parsePartyRoot, signerFor, type Signer } from '@hotline/protocol';
import { isSealed, seal, unseal } from './sealed-key.js';
import { HotlineError, type TerminalErrorCode } from '../errors.js';

/** A key, key file or certificate refused, with its code (errors.ts). */
export class KeyStoreError extends HotlineError<KeyStoreErrorCode> {
  override readonly name = 'KeyStoreError';
}

type KeyStoreErrorCode = Extract<TerminalErrorCode, 'insecure_home' | 'passphrase_required' | 'wrong_passphrase' | 'bad_key' | 'key_conflict' | 'not_set_up'>;

/** A key file's text (undefined if absent); one that others can read is a KeyStoreError naming the fix. */
function readSecretFile(file: string): string | undefined {
  try {
    return readFileChecked(file);
  } catch (error) {
    if (error instanceof InsecureFileError) throw new KeyStoreError('insecure_home', error.message);
    throw error;
  }
}

/** Writes a key file: 0600, sealed with the passphrase when one is set. */
function writeKeyFile(file: string, text: string, passphrase: string | undefined): void {
  writeSecretFile(file, passphrase === undefined ? text : seal(text, passphrase));
}

/** A key file's text, unsealed if it is sealed (which then needs the passphrase). */
function keyFileText(file: string, stored: string, passphrase: string | undefined): string {
  if (!isSealed(stored)) return stored;
  if (passphrase === undefined) throw new KeyStoreError('passphrase_required', `${file} is sealed: set HOTLINE_PASSPHRASE`);
  const opened = unseal(stored, passphrase);
  if (opened === undefined) throw new KeyStoreError('wrong_passphrase', `${file}: wrong passphrase, or the file was altered`);
  return opened;
}

/** `terminal.json`: the relay this terminal uses and the witness policy its checkpoints must meet. */
export interface TerminalConfig {
  /** The relay this terminal uses: the first of `relays` when there are several. */
  readonly relay: string;
  /** Every node of the party's relay cluster (one log), in the order to try them; absent for one relay. */
  readonly relays?: readonly string[];
  /** c2sp.org/tlog-policy text; absent until set by init or adopted from the first charter. */
  readonly policy?: string;
}

export class KeyStore {
  /**
   * Opens (creating it 0700 if missing) the home. A home other users can read or write is
   * refused: it holds keys and, in terminal.db, the plaintext archive.
   */
  constructor(readonly home: string) {
    try {
      ensurePrivateDirectory(home);
    } catch (error) {
      if (error instanceof InsecureFileError) throw new KeyStoreError('insecure_home', `this home holds keys and the plaintext archive, so other users must not reach it: ${error.message}`);
      throw error;
    }
  }

  private get partyFile(): string {
    return join(this.home, 'party.key');
  }

  /** Creates this home's party root. Refuses to overwrite an existing one. */
  createParty(name: string, passphrase?: string): SignerKey {
    if (readSecretFile(this.partyFile) !== undefined) throw new KeyStoreError('key_conflict', `${this.partyFile} already exists: this home already administers a party`);
    const key = generatePartyRoot(name);
    writeKeyFile(this.partyFile, `${formatSignerKey(key)}\n`, passphrase);
    this.trust(formatVerifierKey(verifierKeyOf(key)));
    return key;
  }

  /** Loads the party root; a sealed key needs its passphrase. */
  party(passphrase?: string): SignerKey {
    const stored = readSecretFile(this.partyFile);
    if (stored === undefined) throw new KeyStoreError('not_set_up', `no party key in ${this.home}: run 'hotline party create NAME' first`);
    return this.open(this.partyFile, stored, passphrase);
  }

  /** This party's root as a vkey, to give to the other parties. */
  exportParty(passphrase?: string): string {
    return formatVerifierKey(verifierKeyOf(this.party(passphrase)));
  }

  /**
   * Pins a counterparty's root. A different key for an already pinned party name is refused:
   * replacing a root is a decision for people, not a side effect.
   */
  trust(vkey: string): VerifierKey {
    this.refuseServerKey(vkey.trim());
    const root = parsePartyRoot(vkey.trim());
    if (!root.ok) throw new KeyStoreError('bad_key', root.error.message);
    const existing = this.trusted().find((t) => t.name === root.value.name);
    if (existing !== undefined && formatVerifierKey(existing) !== formatVerifierKey(root.value)) {
      throw new KeyStoreError('key_conflict', `party ${root.value.name} is already pinned to another key; remove ${join(this.home, 'trusted', `${encodeURIComponent(root.value.name)}.vkey`)} first if the change is intended`);
    }
    mkdirSync(join(this.home, 'trusted'), { recursive: true, mode: 0o700 });
    writeFileSync(join(this.home, 'trusted', `${encodeURIComponent(root.value.name)}.vkey`), `${formatVerifierKey(root.value)}\n`, { mode: 0o644 });
    return root.value;
  }

  /**
   * Refuses the relay's log key or a witness key from this home's witness policy: both are
   * valid Ed25519 vkeys, easy to paste by mistake where a party root belongs, and a server key
   * pinned as a party root would let that server certify devices for a "party".
   */
  private refuseServerKey(vkey: string): void {
    const key = parseVerifierKey(vkey);
    const text = this.config()?.policy;
    if (!key.ok || text === undefined) return;
    const policy = parsePolicy(text);
    if (!policy.ok) return;
    const same = (k: VerifierKey) => bytesEqual(k.publicKey, key.value.publicKey);
    const what = policy.value.logs.some((l) => same(l.key)) ? "the relay's log key" : policy.value.witnesses.find((w) => same(w.key))?.name;
    if (what === undefined) return;
    const label = what === "the relay's log key" ? what : `the key of witness ${what}`;
    throw new KeyStoreError('bad_key', `${key.value.name} is ${label} in this home's witness policy, not a party root: pin the root vkey that party's administrator prints with 'hotline party export'`);
  }

  private get deviceFile(): string {
    return join(this.home, 'device.key');
  }

  /** This device's key, created on first use; `created` says whether it is new. */
  device(passphrase?: string): { signer: Signer; seed: Uint8Array; created: boolean } {
    const stored = readSecretFile(this.deviceFile);
    if (stored === undefined) {
      const key = generateSignerKey('device', KeyType.ed25519);
      writeKeyFile(this.deviceFile, `${formatSignerKey(key)}\n`, passphrase);
      return { signer: signerFor(key.seed), seed: key.seed, created: true };
    }
    const { seed } = this.open(this.deviceFile, stored, passphrase);
    return { signer: signerFor(seed), seed, created: false };
  }

  private open(file: string, stored: string, passphrase: string | undefined): SignerKey {
    const key = parseSignerKey(keyFileText(file, stored, passphrase).trim());
    if (!key.ok) throw new KeyStoreError('bad_key', `${file}: ${key.error.message}`);
    return key.value;
  }

  /** Remembers a device this party enrolled: key transparency alerts on any other. */
  rememberEnrolled(deviceKey: Uint8Array): void {
    mkdirSync(join(this.home, 'enrolled'), { recursive: true, mode: 0o700 });
    writeFileSync(join(this.home, 'enrolled', Buffer.from(deviceKey).toString('hex')), '', { mode: 0o644 });
  }

  enrolled(): Set<string> {
    try {
      return new Set(readdirSync(join(this.home, 'enrolled')).filter((f) => /^[0-9a-f]{64}$/.test(f)));
    } catch {
      return new Set();
    }
  }

  /** The random key that seals MLS group state at rest (`state.key`, 0600; created on first use). */
  storageKey(passphrase?: string): Uint8Array {
    const file = join(this.home, 'state.key');
    const stored = readSecretFile(file);
    if (stored === undefined) {
      const key = new Uint8Array(randomBytes(32));
      writeKeyFile(file, `${Buffer.from(key).toString('base64')}\n`, passphrase);
      return key;
    }
    const key = new Uint8Array(Buffer.from(keyFileText(file, stored, passphrase).trim(), 'base64'));
    if (key.length !== 32) throw new KeyStoreError('bad_key', `${file} does not hold a 32-byte key`);
    return key;
  }

  saveCertificate(bytes: Uint8Array): void {
    writeFileSync(join(this.home, 'device.cert'), Buffer.from(bytes).toString('base64') + '\n', { mode: 0o644 });
  }

  certificate(): Uint8Array | undefined {
    try {
      return new Uint8Array(Buffer.from(readFileSync(join(this.home, 'device.cert'), 'utf8').trim(), 'base64'));
    } catch {
      return undefined;
    }
  }

  saveConfig(config: TerminalConfig): void {
    writeFileSync(join(this.home, 'terminal.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o644 });
  }

  config(): TerminalConfig | undefined {
    try {
      return JSON.parse(readFileSync(join(this.home, 'terminal.json'), 'utf8')) as TerminalConfig;
    } catch {
      return undefined;
    }
  }

  trusted(): VerifierKey[] {
    let files: string[];
    try {
      files = readdirSync(join(this.home, 'trusted')).filter((f) => f.endsWith('.vkey'));
    } catch {
      return [];
    }
    return files.map((f) => {
      const root = parsePartyRoot(readFileSync(join(this.home, 'trusted', f), 'utf8').trim());
      if (!root.ok) throw new KeyStoreError('bad_key', `${f}: ${root.error.message}`);
      return root.value;
    });
  }
}
