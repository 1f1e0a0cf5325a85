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

/**
 * The sender's MLS state carried from one post to the next, so that messages posted in several
 * calls (a bulk history, then paced live messages) each take the next generation of the key
 * schedule — as one sender's terminal would.
 */
export class MessagePoster {
  private constructor(
    private readonly world: TwoParties,
    private readonly context: Awaited<ReturnType<TwoParties['sender']['context']>>,
    private state: NonNullable<ReturnType<TwoParties['sender']['groups']['load']>>,
    private readonly socket: Awaited<ReturnType<RelayClient['connect']>>,
  ) {}

  static async open(world: TwoParties): Promise<MessagePoster> {
    const { relay, sender, charter } = world;
    const client = new RelayClient(relay.url);
    await client.login(sender.device.signer);
    return new MessagePoster(world, await sender.context(charter), sender.groups.load(charter.channelId)!, await client.connect());
  }

  /**
   * Signs and encrypts one message and submits it: resolves once it is encrypted (so the next
   * call takes the next generation) with the relay's receipt still to come.
   */
  async submit(text: string, precedence: Precedence = Precedence.routine): Promise<{ receipt: Promise<{ logIndex: number; seq: number }> }> {
    const { sender, charter } = this.world;
    const head = sender.archive.position(charter.channelId)!; // after the opening commit (seq 1)
    const statement = signStatement({ type: StatementType.message, channelId: charter.channelId, author: sender.deviceKey, time: Date.now(), head: { seq: head.nextSeq - 1, chainHash: head.chain }, body: encodeMessageBody({ precedence, language: 'en', text }), salt: new Uint8Array(randomBytes(32)) }, sender.device.signer);
    const sent = await createApplicationMessage({ context: this.context, state: this.state, message: statement.bytes });
    this.state = sent.newState;
    return { receipt: this.socket.submit(encodeEnvelope({ kind: EnvelopeKind.application, channelId: charter.channelId, commitment: statementCommitment(statement), payload: encode(mlsMessageEncoder, sent.message) })) };
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}

/** Posts `count` messages; resolves to the log size that covers them all. */
export async function postMessages(world: TwoParties, count: number, options: PostOptions = {}, poster?: MessagePoster): Promise<number> {
  const own = poster === undefined;
  const p = poster ?? (await MessagePoster.open(world));
  const text = 'x'.repeat(1024);
  const inFlight: Promise<{ logIndex: number }>[] = [];
  let logSize = 0;
  const settle = async () => {
    for (const receipt of await Promise.all(inFlight.splice(0))) logSize = Math.max(logSize, receipt.logIndex + 1);
  };
  try {
    for (let i = 0; i < count; i++) {
      if (i % IN_FLIGHT === 0) await options.pace?.(i);
      inFlight.push((await p.submit(text)).receipt);
      if (inFlight.length >= IN_FLIGHT) await settle();
      if ((i + 1) % 20000 === 0) log(`  ${(i + 1).toLocaleString('en-US')} posted`);
    }
    await settle();
  } finally {
    if (own) await p.close();
  }
  return logSize;
}
