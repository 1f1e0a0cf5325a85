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
import { syncChannel } from '@hotline/terminal';
import { postMessages } from './post.js';
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
  const { client, receiver, charter } = world;
  try {
    log(`posting ${count.toLocaleString('en-US')} signed, MLS-encrypted statements…`);
    const logSize = await postMessages(world, count);
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
