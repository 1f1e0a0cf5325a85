/**
 * A terminal: one device's home opened for work. It wires the key store, the one database
 * (archive, directory, MLS state, outbox, key packages, charters) and the relay, and keeps the
 * terminal's view of the log current: `refresh` verifies the newest checkpoint against the
 * witness policy and the held checkpoint, proves every new log record from entry bundles, and
 * brings the key directory up to date — each failure a stored, named alert.
 *
 * Channel work (open, join, send, sync, key updates) lives in ./channel/*, on top of this.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { bytesEqual, formatVerifierKey, fromHex, parsePolicy, toHex, LogMonitor, type HeldCheckpoint, type Policy, type VerifierKey } from '@hotline/log';
import { channelTag, decodeDeviceCertificate, decodeRecord, type Charter, type DeviceCertificate, type Signer } from '@hotline/protocol';
import { getCiphersuiteImpl, type CiphersuiteImpl, type MlsContext } from 'ts-mls';
import { createHash } from 'node:crypto';
import { Archive } from './archive/archive.js';
import { Conditions } from './archive/conditions.js';
import { LogHashes } from './archive/log-hashes.js';
import type { CutOff } from './rules/board.js';
import { bounds, type Bounds } from './log-checks/bounds.js';
import { checkFreshness, ENTRY_BUNDLES, noteCheckpointAnswer, type LogHealthDeps } from './log-checks/log-health.js';
import { checkUnsent } from './log-checks/unsent.js';
import { checkReceipts } from './log-checks/receipts.js';
import { compareWitnessViews } from './log-checks/witness-view.js';
import { FailoverRelay } from './relay-failover.js';
import { Charters } from './channel/charters.js';
import { Outbox } from './channel/outbox.js';
import { Directory, type DirectoryAlert } from './directory/directory.js';
import { LogScanner } from './directory/log-scanner.js';
import { KeyStore, type TerminalConfig } from './keys/keystore.js';
import { directoryAuthenticationService } from './mls/directory-auth.js';
import { GroupStateStore } from './mls/group-store.js';
import { KeyPackages } from './mls/key-packages.js';
import { HOTLINE_CIPHERSUITE, nodeCryptoProvider } from './mls/node-crypto-provider.js';
import type { RelayApi } from './relay-api.js';
import { HotlineError } from './errors.js';
import { Sealer } from './store/sealer.js';
import { Exclusive, openTerminalDb, prepared } from './store/terminal-db.js';

/** How long a direct question to a witness may take: it is a cross-check, not on the critical path. */
const WITNESS_TIMEOUT_MS = 2000;

/** The relays a home names: `relays` when it lists several (the first is `relay`), else `relay` alone. */
function relayUrls(config: TerminalConfig | undefined, relay: string): readonly string[] {
  const listed = config?.relays?.filter((u) => typeof u === 'string' && u !== '') ?? [];
  return listed.length > 1 ? listed : [relay];
}

/** A terminal operation refused, with its code (errors.ts). */
export class TerminalError extends HotlineError {
  override readonly name: string = 'TerminalError';
}

export interface TerminalOptions {
  readonly home: string;
  readonly passphrase?: string;
  /** Connects to the relay as this device (the CLI passes @hotline/relay/client's DeviceRelayClient). */
  readonly connect: (url: string, device: Signer) => RelayApi;
  /** The process clock (ms); the CLI passes @hotline/node-files/clock's systemClock. */
  readonly now?: () => number;
  /** The freshness and coverage bounds (bounds.ts); defaults if omitted. */
  readonly bounds?: Partial<Bounds>;
}

/** A place in the log: an envelope's log index and the relay's receive time (ms) in its record. */
export interface LogPoint {
  readonly logIndex: number;
  readonly time: number;
}

export interface LogAlert {
  readonly code: string;
  readonly message: string;
}

export class Terminal {
  readonly archive: Archive;
  readonly conditions: Conditions;
  readonly bounds: Bounds;
  readonly directory: Directory;
  /** The leaf hashes of every scanned log entry: proofs for a record export, with no relay. */
  readonly logHashes: LogHashes;
  readonly groups: GroupStateStore;
  readonly outbox: Outbox;
  readonly keyPackages: KeyPackages;
  readonly charters: Charters;
  readonly exclusive: Exclusive;
  readonly relay: RelayApi;
  readonly now: () => number;
  private monitorInstance: LogMonitor | undefined;
  private suite: CiphersuiteImpl | undefined;

  private constructor(
    readonly keys: KeyStore,
    readonly db: Database.Database,
    readonly device: { readonly signer: Signer; readonly seed: Uint8Array },
    readonly certificate: DeviceCertificate,
    readonly relayUrl: string,
    private policyText: string | undefined,
    options: TerminalOptions,
  ) {
    this.now = options.now ?? Date.now;
    const sealer = new Sealer(keys.storageKey(options.passphrase));
    this.bounds = bounds(options.bounds);
    this.archive = new Archive(db, this.now);
    this.conditions = new Conditions(db, this.now, this.archive.feed);
    this.directory = new Directory(db, () => this.roots());
    this.logHashes = new LogHashes(db);
    // A home scanned before record export kept neither leaf hashes nor directory streams (a scan
    // stores the hashes before it moves the scan state, so fewer hashes than scanned entries
    // means exactly that): scan the whole log again at the next refresh, which fills both.
    if (this.logHashes.size() < (this.directory.scanState()?.size ?? 0)) this.directory.rescan();
    this.groups = new GroupStateStore(db, keys.storageKey(options.passphrase));
    this.outbox = new Outbox(db);
    this.keyPackages = new KeyPackages(db, sealer);
    this.charters = new Charters(db);
    this.exclusive = new Exclusive(db);
    db.exec('CREATE TABLE IF NOT EXISTS sent_drafts (draft_id TEXT PRIMARY KEY, message_id TEXT NOT NULL, sent_at INTEGER NOT NULL); CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE IF NOT EXISTS channel_records (log_index INTEGER PRIMARY KEY, record BLOB NOT NULL, tag BLOB NOT NULL, seq INTEGER NOT NULL); CREATE INDEX IF NOT EXISTS channel_records_by_seq ON channel_records (tag, seq);');
    const urls = relayUrls(keys.config(), relayUrl);
    this.relay = urls.length === 1 ? options.connect(relayUrl, device.signer) : new FailoverRelay(urls.map((url) => options.connect(url, device.signer)));
  }

  /** Opens a home that `hotline init` set up: device key, registered certificate, relay. */
  static open(options: TerminalOptions): Terminal {
    const keys = new KeyStore(options.home);
    const config = keys.config();
    if (config === undefined) throw new TerminalError('not_set_up', `${options.home} is not set up: run hotline init --relay URL first`);
    const bytes = keys.certificate();
    if (bytes === undefined) throw new TerminalError('not_set_up', `this device has no certificate yet: finish hotline init (with --certificate, or --member and --role on the administrator's home)`);
    const cert = decodeDeviceCertificate(bytes);
    if (!cert.ok) throw new TerminalError('bad_key', `${join(options.home, 'device.cert')}: ${cert.error.message}`);
    const device = keys.device(options.passphrase); // a KeyStoreError says what is wrong with the key
    if (!bytesEqual(device.signer.publicKey, cert.value.deviceKey)) throw new TerminalError('bad_key', 'device.cert is for another device key than device.key');
    const db = openTerminalDb(join(options.home, 'terminal.db'));
    return new Terminal(keys, db, device, cert.value, config.relay, config.policy, options);
  }

  get deviceKey(): Uint8Array {
    return this.device.signer.publicKey;
  }

  /** Pinned party roots, by party name. */
  roots(): Map<string, VerifierKey> {
    return new Map(this.keys.trusted().map((k) => [k.name, k]));
  }

  /** The witness policy this terminal's checkpoints must meet (terminal.json, or the first charter's). */
  policy(): { text: string; policy: Policy } {
    const text = this.policyText ?? this.charters.all()[0]?.witnessPolicy;
    if (text === undefined) throw new TerminalError('not_set_up', 'this terminal has no witness policy yet: pass --policy FILE to hotline init, or open or join a channel (its charter names one)');
    const parsed = parsePolicy(text);
    if (!parsed.ok) throw new TerminalError('bad_key', `witness policy: ${parsed.error.message}`);
    return { text, policy: parsed.value };
  }

  /** Makes `text` this home's policy if it has none (a channel's charter, at open or join). */
  adoptPolicy(text: string): void {
    if (this.keys.config()?.policy !== undefined) return;
    this.keys.saveConfig({ ...this.keys.config(), relay: this.relayUrl, policy: text });
    this.policyText = text;
  }

  /**
   * Uses `text` in memory only, if the home has no policy yet: to verify an invitation's log
   * before deciding on it. Returns the undo, so a refused invitation leaves the home as it was.
   */
  tryPolicy(text: string): () => void {
    if (this.policyText !== undefined) return () => undefined;
    this.policyText = text;
    this.monitorInstance = undefined;
    return () => {
      if (this.keys.config()?.policy !== undefined) return;
      this.policyText = undefined;
      this.monitorInstance = undefined;
    };
  }

  get monitor(): LogMonitor {
    if (this.monitorInstance === undefined) {
      const held = this.heldCheckpoint();
      this.monitorInstance = new LogMonitor(this.policy().policy, { fetchCheckpoint: () => this.relay.checkpoint(), fetchTile: (l, n, w) => this.relay.tile(l, n, w) }, { freshnessSeconds: this.bounds.freshnessSeconds, now: () => Math.floor(this.now() / 1000) }, held);
    }
    return this.monitorInstance;
  }

  /**
   * The newest checkpoint any process on this home verified (this process's monitor may be
   * behind another's): records another process proved are bounded by its cosignature time.
   */
  newestHeldCheckpoint(): HeldCheckpoint | undefined {
    const stored = this.heldCheckpoint();
    const mine = this.monitorInstance?.held;
    if (stored === undefined) return mine;
    return mine !== undefined && mine.size > stored.size ? mine : stored;
  }

  private heldCheckpoint(): HeldCheckpoint | undefined {
    const row = prepared(this.db, "SELECT value FROM meta WHERE key = 'held_checkpoint'").get() as { value: string } | undefined;
    if (row === undefined) return undefined;
    const v = JSON.parse(row.value) as { origin: string; size: number; rootHash: string; cosignedAt: number; note: string };
    return { ...v, rootHash: fromHex(v.rootHash)! };
  }

  private saveHeld(held: HeldCheckpoint): void {
    const stored = this.heldCheckpoint();
    if (stored !== undefined && stored.size > held.size) return; // another process got further: never move back
    const value = JSON.stringify({ origin: held.origin, size: held.size, rootHash: toHex(held.rootHash), cosignedAt: held.cosignedAt, note: held.note });
    prepared(this.db, "INSERT INTO meta (key, value) VALUES ('held_checkpoint', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(value);
    this.archive.recordCheckpoint(held.size, held.note);
  }

  /**
   * Verifies the newest checkpoint and proves the log up to it, updating the directory and the
   * records of this terminal's channels; cross-checks the witnesses' own view; then holds the
   * relay to its time bounds and its receipts — that last part from the archive and the clock
   * alone, so it runs even when the relay cannot be reached. Returns what is new (each alert is
   * also stored; conditions are stored with their start and end).
   */
  async refresh(): Promise<(LogAlert | DirectoryAlert)[]> {
    const alerts: (LogAlert | DirectoryAlert)[] = [];
    try {
      await this.proveLog(alerts);
    } finally {
      alerts.push(...this.checkBounds());
    }
    return alerts;
  }

  private health(): LogHealthDeps {
    return { conditions: this.conditions, raiseEvidence: (a) => this.archive.alert(undefined, a), bounds: this.bounds, now: this.now() };
  }

  private async proveLog(alerts: (LogAlert | DirectoryAlert)[]): Promise<void> {
    const raise = (a: LogAlert | DirectoryAlert): void => {
      if (this.archive.alert(undefined, { code: a.code, message: a.message, ...('logIndex' in a ? { logIndex: a.logIndex } : {}) })) alerts.push(a);
    };
    const updated = await this.monitor.update();
    alerts.push(...noteCheckpointAnswer(this.health(), updated));
    if (updated.ok) this.saveHeld(this.monitor.held!);
    const held = this.monitor.held;
    if (held === undefined) return;
    if (updated.ok) await this.compareWithWitnesses(held, alerts);
    // A party pinned since the last scan: its certificates in the log so far were skipped. Review all again.
    const roots = [...this.roots().values()].map((k) => formatVerifierKey(k)).sort().join('\n');
    const scannedWith = (prepared(this.db, "SELECT value FROM meta WHERE key = 'scan_roots'").get() as { value: string } | undefined)?.value;
    if (scannedWith !== roots) {
      this.directory.rescan();
      prepared(this.db, "INSERT INTO meta (key, value) VALUES ('scan_roots', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(roots);
    }
    const scanner = new LogScanner((index, width) => this.relay.entryBundle(index, width), this.directory.scanState());
    if (scanner.size >= held.size) {
      this.conditions.end('unavailable', ENTRY_BUNDLES); // nothing left to read from them
      return;
    }
    const scanned = await scanner.scan(held);
    if (!scanned.ok) {
      if (scanned.code === 'unavailable') this.conditions.raise('unavailable', ENTRY_BUNDLES, scanned.message);
      else raise({ code: scanned.code, message: scanned.message });
      return;
    }
    this.conditions.end('unavailable', ENTRY_BUNDLES);
    // Another process on this home may have moved the scan state past the hashes it kept: then scan again from the start.
    const kept = scanned.records.length === 0 || this.logHashes.store(scanned.records[0]!.logIndex, scanned.records.map((r) => r.record));
    const tags = new Set(this.charters.all().map((c) => toHex(channelTag(c.channelId))));
    const insert = prepared(this.db, 'INSERT INTO channel_records (log_index, record, tag, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.db.transaction(() => {
      for (const { logIndex, record } of scanned.records) {
        const decoded = decodeRecord(record);
        if (decoded.ok && tags.has(toHex(decoded.value.streamTag))) insert.run(logIndex, record, decoded.value.streamTag, decoded.value.seq);
      }
    })();
    const owner = { party: this.certificate.party, member: this.certificate.member, deviceKey: this.deviceKey, enrolled: this.keys.enrolled() };
    for (const a of await this.directory.review(scanned.records, scanner.state, (key) => this.relay.certificate(key), owner, (hash) => this.relay.revocation(hash))) raise(a);
    if (!kept) this.directory.rescan();
  }

  /** A fork proven against a witness's own latest cosigned checkpoint: evidence, with both notes. */
  private async compareWithWitnesses(held: HeldCheckpoint, alerts: LogAlert[]): Promise<void> {
    const forks = await compareWitnessViews({
      policy: this.policy().policy,
      held,
      fetchWitnessCheckpoint: (url, origin) => fetchWitnessCheckpoint(url, origin),
      fetchTile: (l, n, w) => this.relay.tile(l, n, w),
    });
    for (const f of forks) {
      const alert = { code: f.code, message: f.message, evidence: { witness: f.witness, relayCheckpoint: f.relayNote, witnessCheckpoint: f.witnessNote } };
      if (this.archive.alert(undefined, alert)) alerts.push({ code: f.code, message: f.message });
    }
  }

  /** The bounds that need only the archive and the clock: freshness, and every receipt held. */
  private checkBounds(): LogAlert[] {
    const alerts: LogAlert[] = [];
    // The monitor exists once a refresh got as far as the policy; without one nothing is held.
    alerts.push(...checkFreshness(this.health(), this.monitorInstance?.held));
    const receipts = checkReceipts({
      outbox: this.outbox,
      conditions: this.conditions,
      raiseEvidence: (channelId, alert) => this.archive.alert(channelId, alert),
      provenRecord: (i) => this.provenRecord(i),
      scannedSize: this.scannedSize,
      now: this.now(),
      coverageSeconds: this.bounds.coverageSeconds,
    });
    alerts.push(...receipts.broken);
    checkUnsent({ outbox: this.outbox, conditions: this.conditions, now: this.now(), coverageSeconds: this.bounds.coverageSeconds });
    return alerts;
  }

  /**
   * Set while this terminal cannot show that the other parties see what it sends — a receipt
   * overdue for coverage, or no fresh quorum checkpoint — so the board shows them silent.
   */
  cutOff(): CutOff | undefined {
    const open = this.conditions.current().find((c) => c.code === 'coverage_overdue' || c.code === 'stale');
    return open === undefined ? undefined : { ownParty: this.certificate.party, reason: `${open.code}: ${open.message}` };
  }

  /** The record at a log index, if a scan proved it and it belongs to one of this terminal's channels. */
  provenRecord(logIndex: number): Uint8Array | undefined {
    const row = prepared(this.db, 'SELECT record FROM channel_records WHERE log_index = ?').get(logIndex) as { record: Buffer } | undefined;
    return row === undefined ? undefined : new Uint8Array(row.record);
  }

  /** The highest seq of a channel whose log record a scan proved (0 if none): what the relay must be able to deliver. */
  provenSeq(channelId: Uint8Array): number {
    const row = prepared(this.db, 'SELECT max(seq) AS m FROM channel_records WHERE tag = ?').get(channelTag(channelId)) as { m: number | null };
    return row.m ?? 0;
  }

  /** Size of the log proven record by record so far. */
  get scannedSize(): number {
    return this.directory.scanState()?.size ?? 0;
  }

  /**
   * The MLS context for a channel: credentials are accepted only for devices the directory
   * verified, of a party the charter names, holding a role the charter admits.
   */
  async context(charter: Charter, at?: () => LogPoint | undefined): Promise<MlsContext> {
    this.suite ??= await getCiphersuiteImpl(HOTLINE_CIPHERSUITE, nodeCryptoProvider);
    const parties = new Set(charter.parties.map((p) => p.name));
    const authService = directoryAuthenticationService((key) => (this.admits(charter, key, at?.(), parties) ? [key] : undefined));
    return { cipherSuite: this.suite, authService };
  }

  /**
   * True if the device may be a member under this charter: verified in the directory now, or
   * — for an envelope being verified — as of that envelope's place in the log (`at`).
   */
  admits(charter: Charter, deviceKey: Uint8Array, at?: LogPoint, parties = new Set(charter.parties.map((p) => p.name))): boolean {
    const entry = at === undefined ? this.directory.device(deviceKey, this.now()) : this.directory.deviceAt(deviceKey, at.logIndex, at.time);
    return entry !== undefined && parties.has(entry.party) && entry.roles.some((r) => charter.memberRoles.includes(r));
  }

  /** Publishes key packages until `count` unused ones exist, so others can add this device. */
  async topUpKeyPackages(count = 3): Promise<number> {
    let published = 0;
    for (let have = this.keyPackages.count(); have < count; have++) {
      const context = await this.contextForKeyPackages();
      const encoded = await this.keyPackages.create(context, { publicKey: this.deviceKey, seed: this.device.seed }, this.now());
      await this.relay.publishKeyPackage(encoded);
      published++;
    }
    return published;
  }

  private async contextForKeyPackages(): Promise<MlsContext> {
    this.suite ??= await getCiphersuiteImpl(HOTLINE_CIPHERSUITE, nodeCryptoProvider);
    return { cipherSuite: this.suite, authService: directoryAuthenticationService(() => undefined) };
  }

  close(): void {
    this.db.close();
  }
}

/** A witness's newest cosigned checkpoint of `origin` (tlog-witness monitoring endpoint); undefined if none or unreachable. */
async function fetchWitnessCheckpoint(url: string, origin: string): Promise<string | undefined> {
  const path = `${url.replace(/\/+$/, '')}/${createHash('sha256').update(origin).digest('hex')}/checkpoint`;
  try {
    const response = await fetch(path, { signal: AbortSignal.timeout(WITNESS_TIMEOUT_MS) });
    if (response.status !== 200) return undefined;
    return await response.text();
  } catch {
    return undefined;
  }
}
