/** A relay in its own process (its own core) with enrolled devices and channels, for benchmarks. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatVerifierKey, verifierKeyOf, type SignerKey } from '@hotline/log';
import {
  EnvelopeKind,
  encodeEnvelope,
  generatePartyRoot,
  issueDeviceCertificate,
  partyRootSigner,
  signerFor,
  signMembership,
  type Signer,
} from '@hotline/protocol';
import { spawnRelayProcess, stopRelayProcess, type RelayProcess } from '@hotline/relay/child';
import { RelayClient } from '@hotline/relay/client';

export const HOTLINE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'apps', 'cli', 'dist', 'src', 'bin.js');

export interface BenchDevice {
  readonly signer: Signer;
  readonly client: RelayClient;
}

export interface BenchRelay {
  readonly process: RelayProcess;
  readonly url: string;
  readonly root: SignerKey;
  close(): Promise<void>;
}

export async function startBenchRelay(checkpointMs = 250): Promise<BenchRelay> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-relay-'));
  const root = generatePartyRoot('bench');
  const process = await spawnRelayProcess(HOTLINE_BIN, [...(globalThis.process.env['HOTLINE_RELAY_PROF'] ? ['--cpu-prof-placeholder'] : []),
    '--data', dir, '--listen', '127.0.0.1:0', '--party', formatVerifierKey(verifierKeyOf(root)),
    '--rate', '10000000', '--burst', '10000000', '--checkpoint-ms', String(checkpointMs),
  ]);
  return {
    process,
    url: process.url,
    root,
    close: async () => {
      await stopRelayProcess(process);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function enrolDevices(relay: BenchRelay, count: number): Promise<BenchDevice[]> {
  const now = Math.floor(Date.now() / 1000);
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const signer = signerFor(randomBytes(32));
      const cert = issueDeviceCertificate({ party: 'bench', member: `device ${i}`, roles: ['operator'], deviceKey: signer.publicKey, notBefore: now - 60, notAfter: now + 86_400 }, partyRootSigner(relay.root));
      const client = new RelayClient(relay.url);
      await client.registerDevice(cert.bytes);
      await client.login(signer);
      return { signer, client };
    }),
  );
}

export async function openChannel(creator: BenchDevice, members: readonly BenchDevice[] = []): Promise<Uint8Array> {
  const channelId = new Uint8Array(randomBytes(16));
  await creator.client.putMembership(channelId, signMembership({ channelId, version: 1, members: members.map((m) => m.signer.publicKey) }, creator.signer).bytes);
  return channelId;
}

/** A 1 KB envelope (1,024-byte payload) unique by `counter`, carrying `stamp` for latency. */
export function benchEnvelope(channelId: Uint8Array, counter: number, stamp = 0): Uint8Array {
  const payload = new Uint8Array(1024);
  const view = new DataView(payload.buffer);
  view.setFloat64(0, counter);
  view.setFloat64(8, stamp);
  const commitment = new Uint8Array(32);
  new DataView(commitment.buffer).setFloat64(0, counter);
  return encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment, payload });
}

/** Reads back what benchEnvelope wrote, from a delivered envelope's bytes. */
export function envelopeStamp(envelope: Uint8Array): { counter: number; stamp: number } {
  // version, kind, 16-byte channel, 32-byte commitment, u32 length: the payload starts at 54.
  const view = new DataView(envelope.buffer, envelope.byteOffset + 54, 16);
  return { counter: view.getFloat64(0), stamp: view.getFloat64(8) };
}
