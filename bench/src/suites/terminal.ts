/**
 * Terminal figures (issue 5): 1 KB encrypt + decrypt round trips per second with ts-mls's
 * default provider and with Hotline's node:crypto provider, side by side; adding a member to a
 * 50-member group (commit, process by an existing member, join); a terminal syncing and
 * fully verifying a channel of 100,000 envelopes from a relay process; delivery to a running
 * `hotline terminal`'s hook; and that process's resident memory over 100,000 envelopes.
 */
import { randomBytes } from 'node:crypto';
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  defaultCryptoProvider,
  defaultProposalTypes,
  joinGroup,
  processMessage,
  type ClientState,
  type CryptoProvider,
  type MlsContext,
} from 'ts-mls';
import { deviceKeyPackage, directoryAuthenticationService, mlsContext, nodeCryptoProvider, type DeviceKeyPackage } from '@hotline/terminal';
import { cryptoProvider } from '@hotline/log';
import { signerFor } from '@hotline/protocol';
import { nowMs, rate, type Figure } from '../measure.js';
import { syncAndVerify, type SyncFigures } from '../terminal/sync-bench.js';
import { deliveryToHook } from '../terminal/service-bench.js';
import { serviceRss, type ServiceRss } from '../terminal/rss-bench.js';
import type { SuiteReport, Target } from '../report.js';

interface Member {
  readonly context: MlsContext;
  readonly keys: DeviceKeyPackage;
  state?: ClientState;
}

async function members(n: number, provider: CryptoProvider): Promise<Member[]> {
  const vouched = new Map<string, Uint8Array[]>();
  const auth = directoryAuthenticationService((d) => vouched.get(Buffer.from(d).toString('hex')));
  const context = await mlsContext(auth, provider);
  return Promise.all(
    Array.from({ length: n }, async () => {
      const device = new Uint8Array(randomBytes(32));
      const keys = await deviceKeyPackage(context, device);
      vouched.set(Buffer.from(device).toString('hex'), [keys.signaturePublicKey]);
      return { context, keys };
    }),
  );
}

async function add(creator: Member, joiner: Member, followers: readonly Member[]): Promise<{ commitMs: number; processMs: number; joinMs: number }> {
  let t = nowMs();
  const result = await createCommit({ context: creator.context, state: creator.state!, ratchetTreeExtension: true, extraProposals: [{ proposalType: defaultProposalTypes.add, add: { keyPackage: joiner.keys.publicPackage } }] });
  const commitMs = nowMs() - t;
  creator.state = result.newState;
  let processMs = 0;
  for (const f of followers) {
    t = nowMs();
    const processed = await processMessage({ context: f.context, state: f.state!, message: result.commit });
    processMs = nowMs() - t;
    if (processed.kind !== 'newState') throw new Error('expected a new state');
    f.state = processed.newState;
  }
  t = nowMs();
  joiner.state = await joinGroup({ context: joiner.context, welcome: result.welcome!.welcome, keyPackage: joiner.keys.publicPackage, privateKeys: joiner.keys.privatePackage });
  return { commitMs, processMs, joinMs: nowMs() - t };
}

async function ed25519VerifyRate(durationMs: number): Promise<number> {
  const signer = signerFor(new Uint8Array(randomBytes(32)));
  const message = new Uint8Array(1200).fill(7);
  const signature = signer.sign(message);
  const verifier = cryptoProvider.ed25519Verifier(signer.publicKey);
  return rate(() => {
    if (!verifier.verify(message, signature)) throw new Error('reference signature did not verify');
  }, durationMs);
}

async function roundTrips(provider: CryptoProvider, durationMs: number): Promise<number> {
  const [alice, bob] = await members(2, provider);
  alice!.state = await createGroup({ context: alice!.context, groupId: new Uint8Array(randomBytes(16)), keyPackage: alice!.keys.publicPackage, privateKeyPackage: alice!.keys.privatePackage });
  await add(alice!, bob!, []);
  const payload = new Uint8Array(1024).fill(42);
  let count = 0;
  const start = nowMs();
  while (nowMs() - start < durationMs) {
    const sent = await createApplicationMessage({ context: alice!.context, state: alice!.state!, message: payload });
    alice!.state = sent.newState;
    const received = await processMessage({ context: bob!.context, state: bob!.state!, message: sent.message });
    if (received.kind !== 'applicationMessage') throw new Error('expected an application message');
    bob!.state = received.newState;
    count++;
  }
  return (count * 1000) / (nowMs() - start);
}

async function addFiftieth(provider: CryptoProvider): Promise<{ commitMs: number; processMs: number; joinMs: number }> {
  const group = await members(50, provider);
  const [creator, follower] = group;
  creator!.state = await createGroup({ context: creator!.context, groupId: new Uint8Array(randomBytes(16)), keyPackage: creator!.keys.publicPackage, privateKeyPackage: creator!.keys.privatePackage });
  await add(creator!, follower!, []);
  for (let i = 2; i < 49; i++) await add(creator!, group[i]!, [follower!]);
  return add(creator!, group[49]!, [follower!]);
}

/** Issue 11: the always-on service's RSS at the last sample ≤ 1.1x the 2nd (20,000 of 100,000), and ≤ 256 MB. */
const RSS_GROWTH_LIMIT = 1.1;
const RSS_LIMIT_MB = 256;

function rssReport(rss: ServiceRss): { figures: Figure[]; growth: number; targets: Target[] } {
  const reference = rss.samples[1]!;
  const last = rss.samples.at(-1)!;
  const growth = last.rssMB / reference.rssMB;
  const figures: Figure[] = rss.samples.map((s, i) => ({
    name: `service RSS after ${((i + 1) * rss.envelopes / 10).toLocaleString('en-US')} envelopes`,
    value: s.rssMB,
    unit: 'MB',
    note: `hotline terminal's VmRSS, read at ${s.archived.toLocaleString('en-US')} archived`,
  }));
  figures.push({ name: 'service: envelopes archived while sampled', value: rss.archivedPerSecond, unit: '/s', note: `sender at most 2,000 ahead` });
  const at = (s: { archived: number }) => s.archived.toLocaleString('en-US');
  const targets: Target[] = [
    { name: `service RSS at the last sample ≤ ${RSS_GROWTH_LIMIT}x the 2nd`, met: growth <= RSS_GROWTH_LIMIT, detail: `${growth.toFixed(3)}x (${last.rssMB.toFixed(1)} MB at ${at(last)} / ${reference.rssMB.toFixed(1)} MB at ${at(reference)})` },
    { name: `service RSS ≤ ${RSS_LIMIT_MB} MB`, met: last.rssMB <= RSS_LIMIT_MB, detail: `${last.rssMB.toFixed(1)} MB at ${at(last)}` },
  ];
  return { figures, growth, targets };
}

function syncFigures(sync: SyncFigures): Figure[] {
  return [
    { name: `sync + fully verify ${sync.envelopes.toLocaleString('en-US')} envelopes`, value: sync.totalMs / 1000, unit: 's', note: `target ≤ 10 s for 100,000; ${Math.round((sync.envelopes * 1000) / sync.totalMs).toLocaleString('en-US')} envelopes/s` },
    { name: '  of which: checkpoint + prove every log record (scan)', value: sync.scanMs / 1000, unit: 's' },
    { name: '  of which: verify, decrypt and archive each envelope', value: sync.verifyMs / 1000, unit: 's' },
  ];
}

/** `--only rss`: the service RSS bench alone, with its targets (for iterating on that figure). */
export async function serviceRssSuite(envelopes: number): Promise<SuiteReport> {
  const rss = rssReport(await serviceRss(envelopes));
  return { suite: 'terminal (service RSS only)', figures: rss.figures, ratios: { 'service RSS last sample / 2nd sample': rss.growth }, targets: rss.targets };
}

/** `--only sync`: the sync + verify bench alone. */
export async function syncSuite(envelopes: number): Promise<SuiteReport> {
  return { suite: 'terminal (sync only)', figures: syncFigures(await syncAndVerify(envelopes)) };
}

export async function terminalSuite(options: { durationMs: number; syncEnvelopes: number; hookMessages: number; rssEnvelopes: number }): Promise<SuiteReport> {
  process.stderr.write('[bench terminal] MLS round trips, default provider…\n');
  const viaDefault = await roundTrips(defaultCryptoProvider, options.durationMs);
  process.stderr.write('[bench terminal] MLS round trips, node:crypto provider…\n');
  const viaNode = await roundTrips(nodeCryptoProvider, options.durationMs);
  process.stderr.write('[bench terminal] adding the 50th member…\n');
  const fiftieth = await addFiftieth(nodeCryptoProvider);
  process.stderr.write('[bench terminal] Ed25519 verification reference…\n');
  const verifies = await ed25519VerifyRate(options.durationMs);
  const sync = await syncAndVerify(options.syncEnvelopes);
  const hook = await deliveryToHook(100, options.hookMessages);
  const rss = rssReport(await serviceRss(options.rssEnvelopes));
  // Each envelope carries two Ed25519 signatures by its author's device key (the MLS framing's
  // and the statement's); with both cores verifying and nothing else, 100,000 take this long.
  const floorSeconds = (100_000 * 2) / (verifies * 2);
  const figures: Figure[] = [
    { name: 'MLS 1 KB encrypt + decrypt, node:crypto provider', value: viaNode, unit: 'round trips/s', note: 'target ≥ 1,500' },
    { name: 'MLS 1 KB encrypt + decrypt, ts-mls default provider', value: viaDefault, unit: 'round trips/s', note: 'reference' },
    { name: 'add 50th member: commit', value: fiftieth.commitMs, unit: 'ms', note: 'node:crypto provider' },
    { name: 'add 50th member: process (existing member)', value: fiftieth.processMs, unit: 'ms' },
    { name: 'add 50th member: join (welcome)', value: fiftieth.joinMs, unit: 'ms' },
    ...syncFigures(sync),
    { name: 'Ed25519 verifications (node:crypto, one core)', value: verifies, unit: '/s', note: 'reference' },
    { name: 'floor for 100,000: 2 signature checks each, on 2 cores', value: floorSeconds, unit: 's', note: 'signatures alone, nothing else' },
    { name: 'delivery → --on-message p50 at 100 msg/s', value: hook.p50Ms, unit: 'ms', note: `hotline terminal as a process, ${hook.messages} messages` },
    { name: 'delivery → --on-message p99 at 100 msg/s', value: hook.p99Ms, unit: 'ms', note: 'target ≤ 1,000 ms' },
    ...rss.figures,
  ];
  const per100k = (sync.totalMs / 1000) * (100_000 / sync.envelopes);
  return { suite: 'terminal', figures, ratios: { 'node:crypto provider / ts-mls default': viaNode / viaDefault, 'sync of 100,000 (s) / 10 s target': per100k / 10, 'sync of 100,000 / signature floor': per100k / floorSeconds, 'delivery → --on-message p99 / 1 s target': hook.p99Ms / 1000, 'service RSS last sample / 2nd sample': rss.growth }, targets: rss.targets };
}
