/**
 * Durable throughput: `clients` WebSocket connections, each keeping `window` submissions in
 * flight, each waiting for a receipt (sent only after the envelope's batch is fsync'd).
 */
import { ClientFrameType, encodeClientFrame } from '@hotline/protocol';
import type { RelaySocket } from '@hotline/relay/client';
import { benchEnvelope, type BenchDevice } from './harness.js';

/** The payload starts 54 bytes into an envelope (see harness.envelopeStamp), after a 5-byte frame header. */
const COUNTER_OFFSET = 5 + 54;

export interface ThroughputSetup {
  readonly devices: readonly BenchDevice[];
  /** One channel per device, created by that device. */
  readonly channels: readonly Uint8Array[];
}

let counter = 0;

export async function measureThroughput(setup: ThroughputSetup, clients: number, window: number, durationMs: number): Promise<number> {
  const sockets: { socket: RelaySocket; channel: Uint8Array }[] = [];
  for (let i = 0; i < clients; i++) {
    const d = i % setup.devices.length;
    sockets.push({ socket: await setup.devices[d]!.client.connect(), channel: setup.channels[d]! });
  }
  let acknowledged = 0;
  let measuring = false;
  let stop = false;
  // The load generator shares the machine with the relay: it patches a template frame rather
  // than encoding each envelope, so its own CPU use stays small.
  const loop = async ({ socket, channel }: { socket: RelaySocket; channel: Uint8Array }) => {
    const template = encodeClientFrame({ type: ClientFrameType.submit, requestId: 0, envelope: benchEnvelope(channel, 0) });
    while (!stop) {
      const frame = template.slice();
      new DataView(frame.buffer).setFloat64(COUNTER_OFFSET, counter++);
      const receipt = await socket.submitFrame(frame);
      if (measuring && !receipt.duplicate) acknowledged++;
    }
  };
  const running = sockets.flatMap((s) => Array.from({ length: window }, () => loop(s)));
  await new Promise((r) => setTimeout(r, Math.min(500, durationMs / 4))); // warm-up
  measuring = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, durationMs));
  measuring = false;
  const elapsed = performance.now() - start;
  stop = true;
  await Promise.all(running);
  await Promise.all(sockets.map((s) => s.socket.close()));
  return (acknowledged * 1000) / elapsed;
}
