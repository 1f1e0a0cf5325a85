/**
 * Delivery → `--on-message` (issue 11): a sender posts messages at a steady rate; the receiver
 * runs `hotline terminal` as its own process, whose hook appends "seq, wall time (ms)" to a
 * file. The figure is the time from handing the message to the terminal library (before
 * signing) to the hook running: signing, MLS, the relay's durable commit, the relay signing a
 * checkpoint that covers it (every 250 ms here), the push, verification, archive, hook start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMessageBody, Precedence, StatementType } from '@hotline/protocol';
import { sendStatement } from '@hotline/terminal';
import { percentile } from '../measure.js';
import { startService, stopService } from './service-process.js';
import { twoParties } from './two-parties.js';

export interface HookLatency {
  readonly messages: number;
  readonly ratePerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const log = (line: string) => process.stderr.write(`[bench terminal] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function hookTimes(file: string): Map<number, number> {
  const times = new Map<number, number>();
  if (!existsSync(file)) return times;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [seq, at] = line.split(' ');
    if (seq !== undefined && at !== undefined && at !== '') times.set(Number(seq), Number(at));
  }
  return times;
}

export async function deliveryToHook(ratePerSecond: number, messages: number): Promise<HookLatency> {
  const world = await twoParties('hotline-bench-service-');
  const file = join(world.dir, 'hook-times.txt');
  const service = await startService(world, ['--on-message-precedence', 'routine', '--on-message', `echo "$HOTLINE_SEQ $(date +%s%3N)" >> ${file}`]).catch(async (error: unknown) => {
    await world.close();
    throw error;
  });
  try {
    log(`delivery → --on-message: ${messages} messages at ${ratePerSecond}/s…`);
    const sentAt = new Map<number, number>();
    const start = Date.now();
    for (let i = 0; i < messages; i++) {
      const due = start + (i * 1000) / ratePerSecond;
      if (Date.now() < due) await sleep(due - Date.now());
      const at = Date.now();
      const sent = await sendStatement(world.sender, world.charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: `bench message ${i}` }) });
      if (sent.receipt === undefined) throw new Error(`not sent: ${sent.error}`);
      sentAt.set(sent.receipt.seq, at);
    }
    for (let i = 0; hookTimes(file).size < messages; i++) {
      if (i > 600) throw new Error(`the hook ran for ${hookTimes(file).size} of ${messages} messages`);
      await sleep(100);
    }
    const times = hookTimes(file);
    const latencies = [...sentAt].map(([seq, at]) => times.get(seq)! - at).sort((a, b) => a - b);
    return { messages, ratePerSecond, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    await stopService(service);
    await world.close();
  }
}
