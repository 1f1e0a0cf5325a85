/**
 * Two parties on a real relay (in process, SQLite): Washington and Moscow, each with a
 * principal (whose home also holds the party root) and an operator, set up as `hotline party
 * create`, `hotline init` and `hotline party enrol` would. Witness policy: the relay's log key,
 * no witnesses (the e2e tests run real witnesses).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { draftCharter, partyRootSigner, signCharter, type Charter, type Role } from '@hotline/protocol';
import { silentLogger, startRelay, type RunningRelay } from '@hotline/relay';
import { DeviceRelayClient, RelayClient } from '@hotline/relay/client';
import { enrolDevice, KeyStore, Terminal } from '../src/index.js';

export interface Hotline {
  readonly relay: RunningRelay;
  /** Stops the relay, lets `edit` change its database behind its back, and starts it again on the same port. */
  restartRelay(edit: (db: Database.Database) => void, overrides?: { now?: () => number }): Promise<void>;
  readonly relayDir: string;
  readonly policy: string;
  readonly homes: Record<'wp' | 'wo' | 'mp' | 'mo', string>;
  open(home: keyof Hotline['homes'], now?: () => number): Terminal;
  charter(overrides?: Partial<Parameters<typeof draftCharter>[0]>): Charter;
  close(): Promise<void>;
}

export async function hotline(): Promise<Hotline> {
  const base = mkdtempSync(join(tmpdir(), 'hotline-terminal-'));
  const homes = { wp: join(base, 'wp'), wo: join(base, 'wo'), mp: join(base, 'mp'), mo: join(base, 'mo') };
  const washington = new KeyStore(homes.wp).createParty('washington');
  const moscow = new KeyStore(homes.mp).createParty('moscow');
  const relayDir = join(base, 'relay');
  const relayOptions = { dataDir: relayDir, partyRoots: [verifierKeyOf(washington), verifierKeyOf(moscow)], checkpointIntervalMs: 20, logger: silentLogger };
  let relay = await startRelay(relayOptions);
  const policy = `log ${relay.logVkey}\nquorum none\n`;
  const client = new RelayClient(relay.url);
  const people: [keyof typeof homes, typeof washington, KeyStore, string, Role[]][] = [
    ['wp', washington, new KeyStore(homes.wp), 'Principal', ['principal', 'admin']],
    ['wo', washington, new KeyStore(homes.wp), 'Operator', ['operator']],
    ['mp', moscow, new KeyStore(homes.mp), 'Principal', ['principal', 'admin']],
    ['mo', moscow, new KeyStore(homes.mp), 'Operator', ['operator']],
  ];
  for (const [home, root, admin, member, roles] of people) {
    const store = new KeyStore(homes[home]);
    for (const r of [washington, moscow]) store.trust(formatVerifierKey(verifierKeyOf(r)));
    const { signer } = store.device();
    const cert = enrolDevice(root, { deviceKey: signer.publicKey, member, roles, days: 30 }, admin);
    await client.registerDevice(cert.bytes);
    store.saveCertificate(cert.bytes);
    store.saveConfig({ relay: relay.url, policy });
  }
  const open = (home: keyof typeof homes, now?: () => number) => Terminal.open({ home: homes[home], connect: (url, device) => new DeviceRelayClient(url, device), ...(now === undefined ? {} : { now }) });
  for (const home of Object.keys(homes) as (keyof typeof homes)[]) {
    const t = open(home);
    await t.topUpKeyPackages();
    t.close();
  }
  return {
    get relay() {
      return relay;
    },
    async restartRelay(edit, overrides = {}) {
      const port = relay.port;
      await relay.close();
      const db = new Database(join(relayDir, 'relay.db'));
      try {
        edit(db);
      } finally {
        db.close();
      }
      relay = await startRelay({ ...relayOptions, ...overrides, port });
    },
    relayDir,
    policy,
    homes,
    open,
    charter(overrides = {}) {
      const draft = draftCharter({
        channelId: new Uint8Array(randomBytes(16)),
        name: 'Washington–Moscow',
        created: Date.now(),
        parties: [
          { name: 'washington', rootKey: verifierKeyOf(washington).publicKey },
          { name: 'moscow', rootKey: verifierKeyOf(moscow).publicKey },
        ],
        memberRoles: ['principal', 'operator'],
        ackDeadlines: [300, 1800, 3600, 86400],
        heartbeatSeconds: 3600,
        keyUpdateSeconds: 86400,
        approvals: [],
        witnessPolicy: policy,
        ...overrides,
      });
      const one = signCharter(draft, partyRootSigner(new KeyStore(homes.wp).party()));
      if (!one.ok) throw new Error(one.error.message);
      const both = signCharter(one.value, partyRootSigner(new KeyStore(homes.mp).party()));
      if (!both.ok) throw new Error(both.error.message);
      return both.value;
    },
    async close() {
      await relay.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Polls `attempt` every 25 ms until it returns a value, or fails naming `what` after `ms`. */
export async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
