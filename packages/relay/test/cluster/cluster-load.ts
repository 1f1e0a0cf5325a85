/**
 * Clients of a test cluster: devices registered through one node and logged in on every node
 * (each node keeps its own sessions, and learns of a device only from the database), envelopes
 * submitted round-robin over the nodes, and subscribers — one per node — that must receive
 * every envelope of their channels, whichever node it was submitted to. A client whose node
 * goes away resubmits the same bytes elsewhere (its original receipt comes back if it had
 * been committed) and a subscriber reconnects elsewhere from its own cursor.
 */
import { randomBytes } from 'node:crypto';
import { toHex } from '@hotline/log';
import { decodeRecord, envelopeHash, signerFor, signMembership, type Signer } from '@hotline/protocol';
import { RelayClient, RelaySocket, type Receipt } from '../../src/client/index.js';
import { envelope, eventually, makeCertificate } from '../fixtures.js';
import type { TestCluster } from './cluster-harness.js';

export interface ClusterDevice {
  readonly signer: Signer;
  /** Logged in on each node, by node index. */
  readonly clients: Map<number, RelayClient>;
  readonly sockets: Map<number, RelaySocket>;
}

export interface Ack {
  readonly channel: string;
  readonly receipt: Receipt;
  readonly node: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers `count` devices through node 0 and logs each in on every node once it knows it. */
export async function enrolDevices(cluster: TestCluster, count: number): Promise<ClusterDevice[]> {
  const devices: ClusterDevice[] = [];
  for (let d = 0; d < count; d++) {
    const signer = signerFor(randomBytes(32));
    const certificate = makeCertificate(d % 2 === 0 ? 'washington' : 'moscow', `member-${d}`, signer);
    await new RelayClient(cluster.url(0)).registerDevice(certificate.bytes);
    devices.push({ signer, clients: new Map(), sockets: new Map() });
  }
  for (const device of devices) {
    for (let i = 0; i < cluster.nodes.length; i++) await logIn(cluster, device, i);
  }
  return devices;
}

/** Another node learns of the device from PostgreSQL: until it has, login is refused. */
async function logIn(cluster: TestCluster, device: ClusterDevice, node: number): Promise<RelayClient> {
  const client = new RelayClient(cluster.url(node));
  await eventually(() => client.login(device.signer).then(() => true, () => undefined), 10_000, `node ${node} to know a device registered on node 0`);
  device.clients.set(node, client);
  return client;
}

/** A channel opened through node 0 with every device a member. */
export async function openChannel(cluster: TestCluster, devices: readonly ClusterDevice[]): Promise<Uint8Array> {
  const channelId = new Uint8Array(randomBytes(16));
  const membership = signMembership({ channelId, version: 1, members: devices.map((d) => d.signer.publicKey) }, devices[0]!.signer);
  await devices[0]!.clients.get(0)!.putMembership(channelId, membership.bytes);
  return channelId;
}

/** One subscriber: a device's socket on one node, subscribed to channels, following failover. */
export class Subscriber {
  /** Per channel (hex): deliveries in arrival order. */
  readonly received = new Map<string, { seq: number; logIndex: number; hash: string }[]>();
  private socket: RelaySocket | undefined;
  private stopped = false;
  reconnects = 0;

  constructor(
    private readonly cluster: TestCluster,
    private readonly device: ClusterDevice,
    public node: number,
    private readonly channels: readonly Uint8Array[],
  ) {
    for (const c of channels) this.received.set(toHex(c), []);
  }

  /** Subscribes from each channel's next seq; waits until this node knows the membership. */
  async connect(): Promise<void> {
    const client = this.device.clients.get(this.node) ?? (await logIn(this.cluster, this.device, this.node));
    const socket = await client.connect();
    this.socket = socket;
    socket.onDelivery = (f) => {
      const record = decodeRecord(f.record);
      if (!record.ok) throw new Error('a delivery carried an unreadable record');
      this.received.get(toHex(f.channelId))?.push({ seq: record.value.seq, logIndex: f.logIndex, hash: toHex(envelopeHash(f.envelope)) });
    };
    socket.ws.on('close', () => void this.failover(socket));
    for (const channel of this.channels) {
      const from = (this.received.get(toHex(channel))!.at(-1)?.seq ?? 0) + 1;
      await eventually(() => socket.subscribe(channel, from).then(() => true, () => undefined), 10_000, `node ${this.node} to know the channel`);
    }
  }

  /** The node went away: the next live node, from where this subscriber's cursor is. */
  private async failover(closed: RelaySocket): Promise<void> {
    if (this.stopped || closed !== this.socket) return;
    for (let attempt = 0; attempt < 100 && !this.stopped; attempt++) {
      this.node = (this.node + 1) % this.cluster.nodes.length;
      if (this.cluster.nodes[this.node] === undefined) continue;
      try {
        this.reconnects++;
        await this.connect();
        return;
      } catch {
        await sleep(50);
      }
    }
  }

  count(channel: Uint8Array): number {
    return this.received.get(toHex(channel))!.length;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.socket?.close();
  }
}

/** Submits the bytes to node `start`, or the next live one, until one acknowledges them. */
async function submitSomewhere(cluster: TestCluster, device: ClusterDevice, start: number, bytes: Uint8Array): Promise<{ receipt: Receipt; node: number }> {
  let last: unknown;
  for (let attempt = 0; attempt < 200; attempt++) {
    const node = (start + attempt) % cluster.nodes.length;
    if (cluster.nodes[node] === undefined) continue;
    try {
      let socket = device.sockets.get(node);
      if (socket === undefined || socket.closed !== undefined) {
        socket = await device.clients.get(node)!.connect();
        device.sockets.set(node, socket);
      }
      return { receipt: await socket.submit(bytes), node };
    } catch (error) {
      last = error;
      await sleep(20);
    }
  }
  throw new Error(`no node acknowledged an envelope: ${(last as Error).message}`);
}

export interface LoadOptions {
  readonly perDevice: number;
  readonly inFlight: number;
  /** Called once, when half the envelopes have been acknowledged (faults go here). */
  readonly midway?: () => Promise<void>;
}

/** Every device submits `perDevice` envelopes, alternating channels, round-robin over nodes. */
export async function runLoad(cluster: TestCluster, devices: readonly ClusterDevice[], channels: readonly Uint8Array[], options: LoadOptions, acks: Map<string, Ack>): Promise<void> {
  const total = devices.length * options.perDevice;
  const base = acks.size;
  let midway: Promise<void> | undefined;
  await Promise.all(
    devices.map(async (device, d) => {
      const queue = Array.from({ length: options.perDevice }, (_, j) => j);
      const worker = async () => {
        for (let j = queue.shift(); j !== undefined; j = queue.shift()) {
          const channel = channels[j % channels.length]!;
          const bytes = envelope(channel, `device ${d} envelope ${j} ${toHex(randomBytes(4))}`);
          const { receipt, node } = await submitSomewhere(cluster, device, (j + d) % cluster.nodes.length, bytes);
          const hash = toHex(envelopeHash(bytes));
          if (acks.has(hash)) throw new Error('an envelope was acknowledged twice by the test itself');
          acks.set(hash, { channel: toHex(channel), receipt, node });
          if (options.midway !== undefined && midway === undefined && acks.size - base >= total / 2) midway = options.midway();
        }
      };
      await Promise.all(Array.from({ length: options.inFlight }, worker));
    }),
  );
  await midway;
}
