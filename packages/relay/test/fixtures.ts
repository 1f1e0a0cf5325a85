/** A relay in a temporary directory with two trusted parties, and helpers to enrol devices. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { verifierKeyOf } from '@hotline/log';
import {
  EnvelopeKind,
  encodeEnvelope,
  generatePartyRoot,
  issueDeviceCertificate,
  partyRootSigner,
  signerFor,
  signMembership,
  type DeviceCertificate,
  type Role,
  type Signer,
} from '@hotline/protocol';
import { startRelay, silentLogger, type RelayOptions, type RunningRelay } from '../src/index.js';
import { RelayClient } from '../src/client/index.js';

export const WASHINGTON = generatePartyRoot('washington');
export const MOSCOW = generatePartyRoot('moscow');
export const ROOTS = [verifierKeyOf(WASHINGTON), verifierKeyOf(MOSCOW)];

export function tempDir(prefix = 'hotline-relay-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function withRelay<T>(fn: (relay: RunningRelay, dataDir: string) => Promise<T>, options: Partial<RelayOptions> = {}): Promise<T> {
  const dir = tempDir();
  const relay = await startRelay({ dataDir: dir.path, partyRoots: ROOTS, checkpointIntervalMs: 20, logger: silentLogger, ...options });
  try {
    return await fn(relay, dir.path);
  } finally {
    await relay.close();
    dir.remove();
  }
}

export interface TestDevice {
  readonly signer: Signer;
  readonly certificate: DeviceCertificate;
  readonly client: RelayClient;
}

const now = () => Math.floor(Date.now() / 1000);

export function makeCertificate(party: 'washington' | 'moscow', member: string, signer: Signer, validity = { from: now() - 60, until: now() + 86_400 }, roles: Role[] = ['principal']): DeviceCertificate {
  const root = partyRootSigner(party === 'washington' ? WASHINGTON : MOSCOW);
  return issueDeviceCertificate({ party, member, roles, deviceKey: signer.publicKey, notBefore: validity.from, notAfter: validity.until }, root);
}

/** Registers and logs in a fresh device. */
export async function enrol(relay: RunningRelay, party: 'washington' | 'moscow', member: string, roles: Role[] = ['principal']): Promise<TestDevice> {
  const signer = signerFor(randomBytes(32));
  const certificate = makeCertificate(party, member, signer, undefined, roles);
  const client = new RelayClient(relay.url);
  await client.registerDevice(certificate.bytes);
  await client.login(signer);
  return { signer, certificate, client };
}

/** Creates a channel whose creator is `creator`, with the other devices as members. */
export async function openChannel(creator: TestDevice, others: readonly TestDevice[]): Promise<Uint8Array> {
  const channelId = new Uint8Array(randomBytes(16));
  const membership = signMembership({ channelId, version: 1, members: others.map((d) => d.signer.publicKey) }, creator.signer);
  await creator.client.putMembership(channelId, membership.bytes);
  return channelId;
}

export function envelope(channelId: Uint8Array, text: string, size = 0): Uint8Array {
  const payload = new TextEncoder().encode(text.padEnd(size, '.'));
  return encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment: new Uint8Array(randomBytes(32)), payload });
}

export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
