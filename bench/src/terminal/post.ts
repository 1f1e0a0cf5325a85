/**
 * The sender's side of the terminal benches: N real statements from the two-party world's
 * sender (signed, MLS encrypted, 1 KB of text each) submitted over one socket with up to 512
 * in flight, so the sender is never what a receiving terminal waits for. Every statement cites
 * the head after the opening commit: a stale head is valid (it only has to be a head the
 * receiver verified), and citing it spares the sender from verifying the channel as it posts.
 */
import { randomBytes } from 'node:crypto';
import { encodeEnvelope, encodeMessageBody, EnvelopeKind, Precedence, signStatement, statementCommitment, StatementType } from '@hotline/protocol';
import { RelayClient } from '@hotline/relay/client';
import { createApplicationMessage, encode, mlsMessageEncoder } from 'ts-mls';
import type { TwoParties } from './two-parties.js';

const IN_FLIGHT = 512;
const log = (line: string) => process.stderr.write(`[bench terminal] ${line}\n`);

export interface PostOptions {
  /** Awaited before each batch of IN_FLIGHT with how many were posted so far: a sender that waits for its reader. */
  readonly pace?: (posted: number) => Promise<void>;
}

/** Posts `count` messages; resolves to the log size that covers them all. */
export async function postMessages(world: TwoParties, count: number, options: PostOptions = {}): Promise<number> {
  const { relay, sender, charter } = world;
  const context = await sender.context(charter);
  let state = sender.groups.load(charter.channelId)!;
  const head = sender.archive.position(charter.channelId)!; // after the opening commit (seq 1)
  const text = 'x'.repeat(1024);
  const client = new RelayClient(relay.url);
  await client.login(sender.device.signer);
  const socket = await client.connect();
  const inFlight: Promise<{ logIndex: number }>[] = [];
  let logSize = 0;
  const settle = async () => {
    for (const receipt of await Promise.all(inFlight.splice(0))) logSize = Math.max(logSize, receipt.logIndex + 1);
  };
  try {
    for (let i = 0; i < count; i++) {
      if (i % IN_FLIGHT === 0) await options.pace?.(i);
      const statement = signStatement({ type: StatementType.message, channelId: charter.channelId, author: sender.deviceKey, time: Date.now(), head: { seq: head.nextSeq - 1, chainHash: head.chain }, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text }), salt: new Uint8Array(randomBytes(32)) }, sender.device.signer);
      const sent = await createApplicationMessage({ context, state, message: statement.bytes });
      state = sent.newState;
      inFlight.push(socket.submit(encodeEnvelope({ kind: EnvelopeKind.application, channelId: charter.channelId, commitment: statementCommitment(statement), payload: encode(mlsMessageEncoder, sent.message) })));
      if (inFlight.length >= IN_FLIGHT) await settle();
      if ((i + 1) % 20000 === 0) log(`  ${(i + 1).toLocaleString('en-US')} posted`);
    }
    await settle();
  } finally {
    await socket.close();
  }
  return logSize;
}
