/**
 * Two parties on a relay process (no witnesses: they change the cost of one checkpoint
 * verification per refresh, not of an envelope), each with one principal, a signed charter and
 * an open channel both have joined: the common start of the terminal benches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { draftCharter, partyRootSigner, signCharter, type Charter } from '@hotline/protocol';
import { spawnRelayProcess, stopRelayProcess, type RelayProcess } from '@hotline/relay/child';
import { DeviceRelayClient, RelayClient } from '@hotline/relay/client';
import { acceptInvitations, enrolDevice, KeyStore, openChannel, Terminal } from '@hotline/terminal';
import { HOTLINE_BIN } from '../relay/harness.js';

export interface TwoParties {
  readonly dir: string;
  readonly relay: RelayProcess;
  readonly client: RelayClient;
  readonly homes: { readonly sender: string; readonly receiver: string };
  readonly sender: Terminal;
  readonly receiver: Terminal;
  readonly charter: Charter;
  close(): Promise<void>;
}

export interface TwoPartiesOptions {
  /** Seconds to acknowledge FLASH, IMMEDIATE, PRIORITY, ROUTINE (0: none); default 300, 1800, 3600, 86400. */
  readonly ackDeadlines?: readonly [number, number, number, number];
}

export async function twoParties(prefix: string, options: TwoPartiesOptions = {}): Promise<TwoParties> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const homes = { sender: join(dir, 'sender'), receiver: join(dir, 'receiver') };
  const roots = { washington: new KeyStore(homes.sender).createParty('washington'), moscow: new KeyStore(homes.receiver).createParty('moscow') };
  const relay = await spawnRelayProcess(HOTLINE_BIN, [
    '--data', join(dir, 'relay'), '--listen', '127.0.0.1:0', '--rate', '10000000', '--burst', '10000000', '--checkpoint-ms', '250',
    ...Object.values(roots).flatMap((r) => ['--party', formatVerifierKey(verifierKeyOf(r))]),
  ]);
  const terminals: Terminal[] = [];
  const close = async () => {
    for (const t of terminals) t.close();
    await stopRelayProcess(relay);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const policy = `log ${relay.logKey}\nquorum none\n`;
    const client = new RelayClient(relay.url);
    for (const [home, root] of [[homes.sender, roots.washington], [homes.receiver, roots.moscow]] as const) {
      const store = new KeyStore(home);
      for (const r of Object.values(roots)) store.trust(formatVerifierKey(verifierKeyOf(r)));
      const cert = enrolDevice(root, { deviceKey: store.device().signer.publicKey, member: 'Principal', roles: ['principal'], days: 2 }, store);
      await client.registerDevice(cert.bytes);
      store.saveCertificate(cert.bytes);
      store.saveConfig({ relay: relay.url, policy });
    }
    const open = (home: string) => {
      const t = Terminal.open({ home, connect: (url, device) => new DeviceRelayClient(url, device) });
      terminals.push(t);
      return t;
    };
    const sender = open(homes.sender);
    const receiver = open(homes.receiver);
    await receiver.topUpKeyPackages(1);
    const charter: Charter = [roots.washington, roots.moscow].reduce((c, r) => {
      const signed = signCharter(c, partyRootSigner(r));
      if (!signed.ok) throw new Error(signed.error.message);
      return signed.value;
    }, draftCharter({
      channelId: new Uint8Array(randomBytes(16)), name: 'bench', created: Date.now(),
      parties: Object.values(roots).map((r) => ({ name: r.name, rootKey: verifierKeyOf(r).publicKey })),
      memberRoles: ['principal'], ackDeadlines: options.ackDeadlines ?? [300, 1800, 3600, 86400], heartbeatSeconds: 3600, keyUpdateSeconds: 86400, approvals: [], witnessPolicy: policy,
    }));
    for (let i = 0; i < 600 && (await sender.refresh(), sender.directory.all().length < 2); i++) await new Promise((r) => setTimeout(r, 50));
    await openChannel(sender, charter);
    for (let i = 0; (await acceptInvitations(receiver)).joined.length === 0; i++) {
      if (i > 400) throw new Error('the receiver did not join');
      await new Promise((r) => setTimeout(r, 50));
    }
    return { dir, relay, client, homes, sender, receiver, charter, close };
  } catch (error) {
    await close();
    throw error;
  }
}
