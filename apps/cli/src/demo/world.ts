/**
 * A two-party Hotline on this machine, built the way real parties would build it, for the demo
 * and the end-to-end tests: a relay and one witness per party as real `hotline` processes, and
 * terminal homes: for each of Washington and Moscow a principal (whose home also holds the party
 * root) and an operator, and for Washington a deputy. Party roots are pinned both ways, devices certified and
 * registered, a charter signed by both roots, the channel opened and joined by every device.
 */
import { chmodSync, copyFileSync, mkdirSync, rmSync, existsSync, writeFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatVerifierKey, verifierKeyOf, type SignerKey } from '@hotline/log';
import { draftCharter, partyRootSigner, signCharter, type Charter, type Role } from '@hotline/protocol';
import { spawnHotlineProcess, spawnRelayProcess, stopRelayProcess, type HotlineProcess, type RelayProcess } from '@hotline/relay/child';
import { DeviceRelayClient, RelayClient } from '@hotline/relay/client';
import { acceptInvitations, enrolDevice, KeyStore, openChannel, Terminal } from '@hotline/terminal';
import { formatCharterFile } from '../commands/channel.js';

export const CHANNEL_NAME = 'washington-moscow';
export const INTERNAL_NAME = 'washington-internal';
export const PRIORITY_DEADLINE_SECONDS = 10;
const MARKER = '.hotline-demo';

export interface Person {
  readonly home: string;
  readonly party: 'washington' | 'moscow';
  readonly member: string;
  readonly roles: Role[];
}

export const PEOPLE: readonly Person[] = [
  { home: 'washington-principal', party: 'washington', member: 'Principal', roles: ['principal', 'admin'] },
  { home: 'washington-operator', party: 'washington', member: 'Operator', roles: ['operator'] },
  { home: 'washington-deputy', party: 'washington', member: 'Deputy', roles: ['principal'] },
  { home: 'moscow-principal', party: 'moscow', member: 'Principal', roles: ['principal', 'admin'] },
  { home: 'moscow-operator', party: 'moscow', member: 'Operator', roles: ['operator'] },
];

/** Where the relay keeps its data: the embedded default, or a cluster over one PostgreSQL database. */
export interface RelayLayout {
  /** A `postgres://` URL; absent: SQLite in DIR/relay. */
  readonly store?: string;
  /** Relay nodes over the store (1 unless a PostgreSQL store). */
  readonly nodes: number;
  /** NATS for the nodes' announcements (with a PostgreSQL store). */
  readonly nats?: string;
}

export interface World {
  readonly dir: string;
  /** The first relay node (the only one on SQLite). */
  readonly relay: RelayProcess;
  /** Every relay node, in the order the homes list them. */
  readonly relays: readonly RelayProcess[];
  readonly witnesses: HotlineProcess[];
  readonly charter: Charter;
  readonly charterFile: string;
  home(name: string): string;
  open(name: string): Terminal;
  stop(): Promise<void>;
}

/** Refuses to wipe a directory the demo did not create. */
function freshDirectory(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, MARKER))) throw new Error(`${dir} exists and was not made by hotline demo: choose another --dir`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, MARKER), 'made by hotline demo; removed by the next run\n');
}

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `spawned` hears of every server process as soon as it starts, so that a caller stopping on a
 * signal mid-setup can stop it by PID (buildWorld's own clean-up runs only if it fails).
 */
export async function buildWorld(dirArg: string, hotlineBin: string, say: (line: string) => void, spawned: (p: HotlineProcess) => void = () => {}, layout: RelayLayout = { nodes: 1 }): Promise<World> {
  const dir = resolve(dirArg);
  freshDirectory(dir);
  const home = (name: string) => join(dir, 'homes', name);
  const processes: HotlineProcess[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await stopRelayProcess(p, 'SIGTERM');
  };
  try {
    say('1. Each party creates its root key and pins the other\'s, received out of band:');
    const roots: Record<string, SignerKey> = {
      washington: new KeyStore(home('washington-principal')).createParty('washington'),
      moscow: new KeyStore(home('moscow-principal')).createParty('moscow'),
    };
    for (const p of PEOPLE) for (const root of Object.values(roots)) new KeyStore(home(p.home)).trust(formatVerifierKey(verifierKeyOf(root)));
    for (const root of Object.values(roots)) say(`   ${root.name.padEnd(10)} ${formatVerifierKey(verifierKeyOf(root))}`);

    const relayDir = join(dir, 'relay');
    const storeArgs = layout.store === undefined ? [] : ['--store', layout.store, ...(layout.nats === undefined ? [] : ['--nats', layout.nats])];
    const partyArgs = [...storeArgs, ...Object.values(roots).flatMap((r) => ['--party', formatVerifierKey(verifierKeyOf(r))])];
    const first = await spawnRelayProcess(hotlineBin, ['--data', relayDir, '--listen', '127.0.0.1:0', ...partyArgs]);
    spawned(first);
    const logKey = first.logKey;
    await stopRelayProcess(first, 'SIGTERM');
    for (const party of ['washington', 'moscow']) {
      const witness = await spawnHotlineProcess(hotlineBin, 'witness', ['--data', join(dir, `witness-${party}`), '--listen', '127.0.0.1:0', '--log', logKey, '--name', `witness.${party}.example`]);
      spawned(witness);
      processes.push(witness);
    }
    const witnessArgs = processes.flatMap((w) => ['--witness', `${w.url}=${w.info['vkey']}`]);
    const relays: RelayProcess[] = [];
    for (let n = 1; n <= layout.nodes; n++) {
      // Every node signs with the one log key: the first node's key file, copied.
      const nodeDir = n === 1 ? relayDir : join(dir, `relay-${n}`);
      if (n > 1) {
        mkdirSync(nodeDir, { recursive: true, mode: 0o700 });
        copyFileSync(join(relayDir, 'log.key'), join(nodeDir, 'log.key'));
        chmodSync(join(nodeDir, 'log.key'), 0o600);
      }
      const node = await spawnRelayProcess(hotlineBin, ['--data', nodeDir, '--listen', '127.0.0.1:0', ...partyArgs, ...witnessArgs]);
      spawned(node);
      processes.push(node);
      relays.push(node);
    }
    const relay = relays[0]!;
    const policy = [`log ${logKey}`, `witness washington ${processes[0]!.info['vkey']}`, `witness moscow ${processes[1]!.info['vkey']}`, 'group both all washington moscow', 'quorum both', ''].join('\n');
    writeFileSync(join(dir, 'witness-policy.txt'), policy);
    if (layout.store === undefined) say(`2. A relay (SQLite) at ${relay.url} (pid ${relay.child.pid}), and each party's own witness, which must both cosign every checkpoint:`);
    else say(`2. ${relays.length} relay nodes over one PostgreSQL database${layout.nats === undefined ? '' : ` (announcing over ${layout.nats}; polling when it is unreachable)`}, one log, and each party's own witness, which must both cosign every checkpoint:`);
    if (layout.store !== undefined) for (const r of relays) say(`relay pid ${r.child.pid} ${r.url}`);
    say(`   relay log  ${logKey}`);
    for (const w of processes.slice(0, 2)) say(`   witness    ${w.info['vkey']}  at ${w.url} (pid ${w.child.pid})`);

    say('3. Each device gets a key; its party root certifies it; the certificate goes into the relay\'s logged directory:');
    const client = new RelayClient(relay.url);
    for (const p of PEOPLE) {
      const store = new KeyStore(home(p.home));
      const { signer } = store.device();
      const admin = new KeyStore(home(`${p.party}-principal`));
      const cert = enrolDevice(roots[p.party]!, { deviceKey: signer.publicKey, member: p.member, roles: p.roles, days: 365 }, admin);
      const receipt = await client.registerDevice(cert.bytes);
      store.saveCertificate(cert.bytes);
      store.saveConfig({ relay: relay.url, ...(relays.length > 1 ? { relays: relays.map((r) => r.url) } : {}), policy });
      const t = Terminal.open({ home: home(p.home), connect: (url, device) => new DeviceRelayClient(url, device) });
      try {
        await t.topUpKeyPackages();
      } finally {
        t.close();
      }
      say(`   ${p.party} / ${p.member} (${p.roles.join(', ')})  device ${Buffer.from(signer.publicKey).toString('hex').slice(0, 16)}…  log index ${receipt.logIndex}`);
    }

    say(`4. A charter for channel ${CHANNEL_NAME}, signed by both party roots:`);
    const draft = draftCharter({
      channelId: new Uint8Array(randomBytes(16)),
      name: CHANNEL_NAME,
      created: Date.now(),
      parties: Object.values(roots).map((r) => ({ name: r.name, rootKey: verifierKeyOf(r).publicKey })),
      memberRoles: ['principal', 'operator'],
      // FLASH and IMMEDIATE must be acknowledged within 5 minutes and 30; PRIORITY within 10 s,
      // short so the demo can show a deadline passing.
      ackDeadlines: [300, 1800, PRIORITY_DEADLINE_SECONDS, 0],
      heartbeatSeconds: 3600,
      keyUpdateSeconds: 86400,
      // The two-person rule: a FLASH from Washington needs two approvals by other members.
      approvals: [{ party: 0, precedence: 1, required: 2, roles: ['principal', 'operator'] }],
      witnessPolicy: policy,
    });
    const byWashington = signCharter(draft, partyRootSigner(roots['washington']!));
    if (!byWashington.ok) throw new Error(byWashington.error.message);
    const charter = signCharter(byWashington.value, partyRootSigner(roots['moscow']!));
    if (!charter.ok) throw new Error(charter.error.message);
    const charterFile = join(dir, `${CHANNEL_NAME}.charter`);
    writeFileSync(charterFile, formatCharterFile(charter.value));
    say(`   ${charterFile}`);

    const internalDraft = draftCharter({ ...draft, channelId: new Uint8Array(randomBytes(16)), name: INTERNAL_NAME, parties: [draft.parties[0]!], approvals: [] });
    const internal = signCharter(internalDraft, partyRootSigner(roots['washington']!));
    if (!internal.ok) throw new Error(internal.error.message);
    writeFileSync(join(dir, `${INTERNAL_NAME}.charter`), formatCharterFile(internal.value));
    say(`   and ${INTERNAL_NAME}, signed by Washington's root alone: drafts circulate there for approval, unseen by Moscow`);

    const open = (name: string) => Terminal.open({ home: home(name), connect: (url, device) => new DeviceRelayClient(url, device) });
    const opener = open('washington-principal');
    try {
      // The opener adds the devices its verified directory holds: wait until a checkpoint both
      // witnesses cosigned covers every certificate.
      await eventually('the directory to cover every device', async () => {
        await opener.refresh();
        return opener.directory.all().length >= PEOPLE.length ? true : undefined;
      }, 30_000);
      const opened = await openChannel(opener, charter.value);
      say(`5. Washington's principal opens the channel as an MLS group and invites ${opened.invited.length} devices; each joins once a witnessed checkpoint covers the invitation:`);
      for (const s of opened.skipped) say(`   NOT added ${s.entry.party} / ${s.entry.member}: ${s.reason}`);
      await openChannel(opener, internal.value);
    } finally {
      opener.close();
    }
    for (const p of PEOPLE.slice(1)) {
      const t = open(p.home);
      try {
        const wanted = p.party === 'washington' ? 2 : 1;
        let joined = 0;
        await eventually(`${p.home} to join`, async () => ((joined += (await acceptInvitations(t)).joined.length) >= wanted ? true : undefined), 30_000);
        say(`   ${p.party} / ${p.member} joined${wanted === 2 ? ` (and ${INTERNAL_NAME})` : ''}`);
      } finally {
        t.close();
      }
    }
    return { dir, relay, relays, witnesses: processes.slice(0, 2), charter: charter.value, charterFile, home, open, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
