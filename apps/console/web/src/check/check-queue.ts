/**
 * Runs the browser check for the verified entries on screen, a few at a time and after the
 * page has drawn, so checking 100 entries never delays the first screen. Results are kept by
 * channel, seq and the evidence itself, so an entry is checked once unless its evidence changes.
 */
import { getEvidence } from '../api/client.js';
import type { Evidence } from '../api/types.js';
import { checkEvidence, type CheckResult } from '../../../src/shared/check/check-evidence.js';

export type CheckState = { readonly state: 'checking' } | { readonly state: 'agrees' } | { readonly state: 'disagrees'; readonly result: Extract<CheckResult, { ok: false }> } | { readonly state: 'failed'; readonly error: string };

/** Two: with the event stream, the board and the transcript, HTTP/1.1's six connections stay enough. */
const CONCURRENCY = 2;
const results = new Map<string, CheckState>();
const listeners = new Set<(key: string) => void>();
const queue: { key: string; channel: string; seq: number }[] = [];
let active = 0;

export const keyOf = (channel: string, seq: number, id: string) => `${channel}/${seq}/${id}`;

export function checkState(channel: string, seq: number, id: string): CheckState | undefined {
  return results.get(keyOf(channel, seq, id));
}

/** `listener` hears the key (channel/seq/id) of each check that changed state. */
export function onCheck(listener: (key: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function settle(key: string, state: CheckState): void {
  results.set(key, state);
  for (const l of listeners) l(key);
}

/** Asks for a check of this entry unless one ran or is queued; `force` runs it again. */
export function requestCheck(channel: string, seq: number, id: string, force = false): void {
  const key = keyOf(channel, seq, id);
  if (!force && results.has(key)) return;
  settle(key, { state: 'checking' }); // only the asking row listens for its key
  queue.push({ key, channel, seq });
  pumpAfterPaint();
}

let scheduled = false;

/** Starts checking once the browser has painted the rows that asked (the first screen first). */
function pumpAfterPaint(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() =>
    setTimeout(() => {
      scheduled = false;
      pump();
    }, 0),
  );
}

/** Checks evidence already fetched (the evidence panel has it). */
export async function checkFetched(channel: string, seq: number, id: string, evidence: Evidence): Promise<void> {
  const key = keyOf(channel, seq, id);
  settle(key, { state: 'checking' });
  settle(key, toState(await checkEvidence(evidence, channel, seq)));
}

function toState(result: CheckResult): CheckState {
  return result.ok ? { state: 'agrees' } : { state: 'disagrees', result };
}

function pump(): void {
  while (active < CONCURRENCY && queue.length > 0) {
    const job = queue.shift()!;
    active++;
    getEvidence(job.channel, job.seq)
      .then((ev) => checkEvidence(ev, job.channel, job.seq))
      .then((r) => settle(job.key, toState(r)))
      .catch((e: unknown) => settle(job.key, { state: 'failed', error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        active--;
        pump();
      });
  }
}
