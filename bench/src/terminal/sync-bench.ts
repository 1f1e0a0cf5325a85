/**
 * Sync + fully verify N envelopes (issue 5: 100,000 in ≤ 10 s). A relay process holds a
 * channel between two parties whose sender has posted N real statements (signed, MLS
 * encrypted, 1 KB of text each); a receiving terminal that joined before them then catches
 * up from nothing: it verifies the checkpoint, proves every log record from entry bundles
 * (LogScanner), and takes each envelope through the whole ChannelVerifier pipeline — record,
 * seq, chain, inclusion, MLS decryption, statement signature by a verified member device,
 * commitment, duplicates — archiving each statement. Witnesses are left out (they change the
 * cost of one checkpoint verification per refresh, not of an envelope).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { randomBytes } from 'node:crypto';
import { encodeEnvelope, encodeMessageBody, EnvelopeKind, Precedence, signStatement, statementCommitment, StatementType } from '@hotline/protocol';
import { RelayClient } from '@hotline/relay/client';
import { syncChannel } from '@hotline/terminal';
import { createApplicationMessage, encode, mlsMessageEncoder } from 'ts-mls';
import { twoParties } from './two-parties.js';
import { nowMs } from '../measure.js';

export interface SyncFigures {
  readonly envelopes: number;
  readonly totalMs: number;
  readonly scanMs: number;
  readonly verifyMs: number;
}

/** HOTLINE_BENCH_PROFILE=FILE: a CPU profile of the receiver's sync alone (open it in Chrome DevTools). */
async function startProfiler(): Promise<{ stop(): Promise<void> } | undefined> {
  const file = process.env['HOTLINE_BENCH_PROFILE'];
  if (file === undefined) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const log = (line: string) => process.stderr.write(`[bench terminal] ${line}\n`);

export async function syncAndVerify(count: number): Promise<SyncFigures> {
  const world = await twoParties('hotline-bench-sync-');
  const { relay, client, sender, receiver, charter } = world;
  try {
    log(`posting ${count.toLocaleString('en-US')} signed, MLS-encrypted statements…`);
    const context = await sender.context(charter);
    let state = sender.groups.load(charter.channelId)!;
    const head = sender.archive.position(charter.channelId)!; // after the opening commit (seq 1)
    const text = 'x'.repeat(1024);
    const socket = await (async () => {
      const c = new RelayClient(relay.url);
      await c.login(sender.device.signer);
      return c.connect();
    })();
    const inFlight: Promise<{ logIndex: number }>[] = [];
    let logSize = 0;
    const settle = async () => {
      for (const receipt of await Promise.all(inFlight.splice(0))) logSize = Math.max(logSize, receipt.logIndex + 1);
    };
    for (let i = 0; i < count; i++) {
      const statement = signStatement({ type: StatementType.message, channelId: charter.channelId, author: sender.deviceKey, time: Date.now(), head: { seq: head.nextSeq - 1, chainHash: head.chain }, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text }), salt: new Uint8Array(randomBytes(32)) }, sender.device.signer);
      const sent = await createApplicationMessage({ context, state, message: statement.bytes });
      state = sent.newState;
      inFlight.push(socket.submit(encodeEnvelope({ kind: EnvelopeKind.application, channelId: charter.channelId, commitment: statementCommitment(statement), payload: encode(mlsMessageEncoder, sent.message) })));
      if (inFlight.length >= 512) await settle();
      if ((i + 1) % 20000 === 0) log(`  ${(i + 1).toLocaleString('en-US')} posted`);
    }
    await settle();
    await socket.close();
    // Wait until a checkpoint covers them all, so the measurement is the terminal's work alone.
    for (;;) {
      const note = await client.text('/v1/quorum-checkpoint').catch(() => '');
      const size = Number(note.split('\n')[1] ?? 0);
      if (size >= logSize) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    log('receiver: sync and verify…');
    const profiler = await startProfiler();
    const start = nowMs();
    await receiver.refresh();
    const scanned = nowMs();
    let verified = 0;
    let reported = 0;
    while ((receiver.archive.position(charter.channelId)?.nextSeq ?? 0) <= count + 1) {
      const outcome = await syncChannel(receiver, charter, (done) => {
        if (verified + done - reported >= 20000) log(`  ${(reported = verified + done).toLocaleString('en-US')} verified`);
      });
      if (outcome.alerts.length > 0) throw new Error(`unexpected alert: ${outcome.alerts[0]!.code}: ${outcome.alerts[0]!.message}`);
      verified += outcome.accepted.length;
    }
    const end = nowMs();
    await profiler?.stop();
    if (verified !== count) throw new Error(`verified ${verified} of ${count}`);
    return { envelopes: count, totalMs: end - start, scanMs: scanned - start, verifyMs: end - scanned };
  } finally {
    await world.close();
  }
}
