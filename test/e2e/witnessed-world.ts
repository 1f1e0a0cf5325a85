/**
 * Washington and Moscow on a real relay process with a real witness process per party, all
 * reading one clock offset file (HOTLINE_CLOCK_OFFSET_FILE), so a test moves time for every
 * process at once. Terminals run in the test's process through the same clock seam; homes are
 * set up as `hotline party create`, `init` and `party enrol` would. Everything listens on
 * 127.0.0.1; `close()` stops every process it started, by PID.
 */
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { draftCharter, partyRootSigner, signCharter, type Charter, type Role } from '@hotline/protocol';
import { CLOCK_OFFSET_ENV, systemClock } from '@hotline/node-files/clock';
import { DeviceRelayClient, RelayClient } from '@hotline/relay/client';
import { Precedence } from '@hotline/protocol';
import { acceptInvitations, enrolDevice, KeyStore, openChannel, sendMessage, syncChannel, Terminal, transcript, type RelayApi } from '@hotline/terminal';
import assert from 'node:assert/strict';
import { until } from './helpers.js';
import { kill, startRelayProcess, startWitnessProcess, type HotlineProcess, type RelayProcess } from './processes.js';

export type HomeName = 'wp' | 'mp' | 'mo';

export interface WitnessedWorld {
  readonly base: string;
  readonly homes: Record<HomeName, string>;
  readonly policy: string;
  relay: RelayProcess;
  readonly relayPort: number;
  /** Moves every process's clock to real time + `offsetMs`. */
  setClock(offsetMs: number): Promise<void>;
  stopWitnesses(): Promise<void>;
  startWitnesses(): Promise<void>;
  stopRelay(): Promise<void>;
  startRelay(): Promise<void>;
  /** Copies the relay's data directory (the relay must be stopped). */
  snapshotRelay(name: string): void;
  restoreRelay(name: string): void;
  /** Starts a second relay process on another port from a copy of snapshot `name` (same log key): a fork. */
  startRelayCopy(name: string): Promise<RelayProcess>;
  open(home: HomeName, wrap?: (api: RelayApi) => RelayApi): Terminal;
  /** A charter both roots signed: 'washington-moscow' unless named, with the forward targets given. */
  charter(options?: { name?: string; forwardTo?: readonly Uint8Array[] }): Charter;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function witnessedWorld(): Promise<WitnessedWorld> {
  const base = mkdtempSync(join(tmpdir(), 'hotline-witnessed-'));
  const clockFile = join(base, 'clock-offset');
  writeFileSync(clockFile, '0\n');
  process.env[CLOCK_OFFSET_ENV] = clockFile; // children inherit it; terminals below read it too
  const dirs = { relay: join(base, 'relay'), w1: join(base, 'w1'), w2: join(base, 'w2') };
  const homes: Record<HomeName, string> = { wp: join(base, 'wp'), mp: join(base, 'mp'), mo: join(base, 'mo') };
  const washington = new KeyStore(homes.wp).createParty('washington');
  const moscow = new KeyStore(homes.mp).createParty('moscow');
  const parties = [washington, moscow].flatMap((r) => ['--party', formatVerifierKey(verifierKeyOf(r))]);
  const started: HotlineProcess[] = [];
  const relayArgs = ['--data', dirs.relay, '--checkpoint-ms', '20', '--rate', '100000', '--burst', '100000', ...parties];
  const first = await startRelayProcess([...relayArgs, '--listen', '127.0.0.1:0']);
  const logKey = first.logKey;
  const relayPort = Number(new URL(first.url).port);
  await kill(first, 'SIGTERM');
  let witnesses: HotlineProcess[] = [];
  const witnessPorts: number[] = [];
  const startWitnesses = async () => {
    witnesses = [];
    for (const [i, dir] of [dirs.w1, dirs.w2].entries()) {
      const w = await startWitnessProcess(['--data', dir, '--listen', `127.0.0.1:${witnessPorts[i] ?? 0}`, '--log', logKey, '--name', `witness${i}.example`]);
      witnessPorts[i] = Number(new URL(w.url).port);
      witnesses.push(w);
      started.push(w);
    }
  };
  await startWitnesses();
  const witnessArgs = witnesses.flatMap((w) => ['--witness', `${w.url}=${w.info['vkey']}`]);
  const policy = [`log ${logKey}`, ...witnesses.map((w, i) => `witness w${i} ${w.info['vkey']} ${w.url}`), 'group both all w0 w1', 'quorum both', ''].join('\n');
  const startRelay = async () => {
    world.relay = await startRelayProcess([...relayArgs, ...witnessArgs, '--listen', `127.0.0.1:${relayPort}`]);
    started.push(world.relay);
  };
  const world: WitnessedWorld = {
    base,
    homes,
    policy,
    relay: first,
    relayPort,
    async setClock(offsetMs) {
      // Aside, then renamed over: a process reading it mid-write would see it empty and stop.
      writeFileSync(`${clockFile}.new`, `${Math.round(offsetMs)}\n`);
      renameSync(`${clockFile}.new`, clockFile);
      await sleep(120); // every process re-reads the file within 50 ms
    },
    async stopWitnesses() {
      for (const w of witnesses) await kill(w, 'SIGTERM');
    },
    startWitnesses,
    async stopRelay() {
      await kill(world.relay, 'SIGTERM');
    },
    startRelay,
    snapshotRelay(name) {
      cpSync(dirs.relay, join(base, `snapshot-${name}`), { recursive: true });
    },
    restoreRelay(name) {
      rmSync(dirs.relay, { recursive: true, force: true });
      cpSync(join(base, `snapshot-${name}`), dirs.relay, { recursive: true });
    },
    async startRelayCopy(name) {
      const copy = join(base, `copy-${name}`);
      cpSync(join(base, `snapshot-${name}`), copy, { recursive: true });
      const args = relayArgs.map((a) => (a === dirs.relay ? copy : a));
      const other = await startRelayProcess([...args, ...witnessArgs, '--listen', '127.0.0.1:0']);
      started.push(other);
      return other;
    },
    open(home, wrap) {
      return Terminal.open({ home: homes[home], connect: (url, device) => (wrap ?? ((a) => a))(new DeviceRelayClient(url, device)), now: systemClock() });
    },
    charter(options = {}) {
      const draft = draftCharter({
        channelId: new Uint8Array(randomBytes(16)),
        name: options.name ?? 'washington-moscow',
        ...(options.forwardTo === undefined ? {} : { forwardTo: options.forwardTo }),
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
      });
      const one = signCharter(draft, partyRootSigner(new KeyStore(homes.wp).party()));
      if (!one.ok) throw new Error(one.error.message);
      const both = signCharter(one.value, partyRootSigner(new KeyStore(homes.mp).party()));
      if (!both.ok) throw new Error(both.error.message);
      return both.value;
    },
    async close() {
      for (const p of started) await kill(p, 'SIGKILL');
      delete process.env[CLOCK_OFFSET_ENV];
      rmSync(base, { recursive: true, force: true });
    },
  };
  try {
    await startRelay();
    const client = new RelayClient(world.relay.url);
    const people: [HomeName, typeof washington, KeyStore, string, Role[]][] = [
      ['wp', washington, new KeyStore(homes.wp), 'Principal', ['principal', 'admin']],
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
      store.saveConfig({ relay: world.relay.url, policy });
    }
    for (const home of Object.keys(homes) as HomeName[]) {
      const t = world.open(home);
      await t.topUpKeyPackages();
      t.close();
    }
  } catch (error) {
    await world.close();
    throw error;
  }
  return world;
}

/** True once `t` has verified a message with this text (refreshing and syncing first). */
export async function verified(t: Terminal, charter: Charter, text: string): Promise<boolean> {
  await t.refresh();
  await syncChannel(t, charter);
  return transcript(t, charter).some((l) => l.text === text);
}

/**
 * Washington's principal opens the channel, Moscow's joins, and a first message is verified
 * by Moscow and covered by a cosigned checkpoint Washington holds.
 */
export async function openedChannel(w: WitnessedWorld, text = 'hello'): Promise<Charter> {
  const charter = w.charter();
  const wp = w.open('wp');
  const mp = w.open('mp');
  try {
    await openChannel(wp, charter);
    await until('Moscow joins', async () => (await acceptInvitations(mp)).joined.length > 0);
    const sent = await sendMessage(wp, charter, { precedence: Precedence.routine, language: 'en', text });
    assert.ok(sent.receipt, `sent: ${sent.error}`);
    await until('Moscow verifies the first message', () => verified(mp, charter, text));
    await until('Washington holds a checkpoint covering it', async () => {
      await wp.refresh();
      return (wp.monitor.held?.size ?? 0) > sent.receipt!.logIndex;
    });
  } finally {
    wp.close();
    mp.close();
  }
  return charter;
}
