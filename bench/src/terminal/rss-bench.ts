/**
 * The always-on service's memory (issue 11): `hotline terminal` runs as its own process on the
 * receiver's home while the other party posts N messages to it (the sync bench's sender), and
 * the resident set of that process — VmRSS in /proc/PID/status, what the kernel holds for it,
 * heap, SQLite's cache and native buffers alike — is read each time the service has archived
 * another N/10 envelopes. A service that keeps something per envelope (a cache keyed per
 * statement, feed rows, listeners) grows between the 2nd and the last sample; one that does not
 * stays flat. The sender keeps at most LEAD envelopes ahead of the archive, so the figure is
 * the service keeping up with live traffic, not the size of a backlog it was handed at once.
 */
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { nowMs } from '../measure.js';
import { postMessages } from './post.js';
import { startService, stopService } from './service-process.js';
import { twoParties, type TwoParties } from './two-parties.js';

export interface RssSample {
  /** Envelopes of the channel the service had archived when the sample was read (≥ the step). */
  readonly archived: number;
  readonly rssMB: number;
}

export interface ServiceRss {
  readonly envelopes: number;
  readonly samples: RssSample[];
  /** Envelopes the service archived per second, over the whole run. */
  readonly archivedPerSecond: number;
}

const LEAD = 2000;
const POLL_MS = 50;
const log = (line: string) => process.stderr.write(`[bench terminal] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The resident set of a live process in MB, from the kernel (Linux). */
export function residentMB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  if (line === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return (Number(line.split(/\s+/)[1]) * 1024) / 1e6; // the kernel's "kB" is KiB; MB as the target counts them, 10^6 bytes
}

/** Envelopes of the channel in the receiver's archive (the service's home, read from here). */
function archived(world: TwoParties): number {
  return (world.receiver.archive.position(world.charter.channelId)?.nextSeq ?? 1) - 1;
}

/** Reads the service's RSS each time `archived` passes the next multiple of `every`, up to `until`. */
async function sampleRss(world: TwoParties, service: ChildProcess, every: number, until: number): Promise<RssSample[]> {
  const samples: RssSample[] = [];
  let quiet = 0;
  for (let last = archived(world); samples.length * every < until; ) {
    if (service.exitCode !== null || service.signalCode !== null) throw new Error(`hotline terminal exited (${service.exitCode ?? service.signalCode}) at ${last} envelopes`);
    const now = archived(world);
    if (now >= (samples.length + 1) * every) {
      samples.push({ archived: now, rssMB: residentMB(service.pid!) });
      log(`  ${now.toLocaleString('en-US')} archived: service RSS ${samples.at(-1)!.rssMB.toFixed(1)} MB`);
    }
    quiet = now === last ? quiet + 1 : 0;
    if (quiet * POLL_MS > 60_000) throw new Error(`the service archived nothing for a minute, at ${now} envelopes`);
    last = now;
    await sleep(POLL_MS);
  }
  return samples;
}

export async function serviceRss(envelopes: number): Promise<ServiceRss> {
  const world = await twoParties('hotline-bench-rss-');
  const service = await startService(world).catch(async (error: unknown) => {
    await world.close();
    throw error;
  });
  try {
    log(`service RSS: posting ${envelopes.toLocaleString('en-US')} messages to a running hotline terminal (pid ${service.pid})…`);
    const start = nowMs();
    const archivedAtStart = archived(world);
    const pace = async (posted: number) => {
      while (posted - (archived(world) - archivedAtStart) > LEAD) await sleep(POLL_MS);
    };
    const [samples] = await Promise.all([sampleRss(world, service, envelopes / 10, envelopes), postMessages(world, envelopes, { pace })]);
    const seconds = (nowMs() - start) / 1000;
    return { envelopes, samples, archivedPerSecond: (samples.at(-1)!.archived - archivedAtStart) / seconds };
  } finally {
    await stopService(service);
    await world.close();
  }
}
