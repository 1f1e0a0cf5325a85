/**
 * Collecting witness cosignatures (c2sp.org/tlog-witness, client side). Each new checkpoint is
 * sent to every configured witness with a consistency proof from the size that witness last
 * cosigned; a 409 tells us that size and we resend once. Requests time out; a witness with a
 * request in flight gets only the newest checkpoint next. The latest checkpoint is also
 * resubmitted every `refreshMs`, so cosignature timestamps stay fresh while the log is idle
 * and clients can tell a live log from a stalled one.
 *
 * Several relay nodes on one database each run a collector, and each submits the checkpoints
 * it signed or adopted; a witness therefore sees one lineage from several submitters, and
 * answers 409 whenever another node moved it on since this one last asked. A 409 is the
 * witness telling its size, never a refusal: a size at or below ours is answered with a proof
 * from there; a size beyond ours means another node's newer checkpoint, which is read from
 * storage and submitted instead. Only a witness claiming a size the stored log has not
 * reached is alarming (someone else signed for this log): that is logged as a refusal.
 */
import {
  consistencyProof,
  parseNote,
  signatureLine,
  quorumSatisfied,
  TileHashReader,
  utf8,
  type CosignatureVerifier,
  type Policy,
} from '@hotline/log';
import type { Logger } from './logger.js';
import type { CheckpointStore } from './storage/interfaces.js';
import type { StoredCheckpoint } from './storage/records.js';

export interface WitnessEndpoint {
  /** Policy name of the witness. */
  readonly name: string;
  /** Submission prefix: add-checkpoint is POSTed to `${url}/add-checkpoint`. */
  readonly url: string;
  readonly verifier: CosignatureVerifier;
}

interface WitnessState {
  readonly endpoint: WitnessEndpoint;
  knownSize: number;
  busy: boolean;
  pending: { size: number; note: string } | undefined;
}

export interface CollectorOptions {
  /** Tiles, for the consistency proofs sent with each checkpoint. */
  readonly tiles: Pick<CheckpointStore, 'getTile'>;
  readonly policy: Policy;
  readonly witnesses: readonly WitnessEndpoint[];
  readonly timeoutMs: number;
  readonly refreshMs: number;
  readonly logger: Logger;
  /** The stored checkpoint: read when a witness has cosigned a newer one than ours (another node's). */
  readonly stored?: () => Promise<StoredCheckpoint | undefined>;
  /** Every answer, by status: 409s included, each counted, none of them a refusal. */
  readonly count?: (status: string, witness: string) => void;
  /** Wall clock (ms): cosignatures dated beyond it plus skew are refused. */
  readonly now?: () => number;
}

interface Cosigned {
  readonly size: number;
  readonly note: string;
  /** Cosignature lines by witness name. */
  readonly lines: Map<string, string>;
}

export class WitnessCollector {
  private readonly states: WitnessState[];
  private current: Cosigned | undefined;
  /** Recent checkpoints by size: a witness may answer after a newer one was signed. */
  private readonly recent = new Map<number, Cosigned>();
  private quorum: Cosigned | undefined;
  private readonly refresh: NodeJS.Timeout;

  constructor(private readonly options: CollectorOptions) {
    this.states = options.witnesses.map((endpoint) => ({ endpoint, knownSize: 0, busy: false, pending: undefined }));
    this.refresh = setInterval(() => this.current !== undefined && this.offer(this.current.size, this.current.note), options.refreshMs);
    this.refresh.unref();
  }

  /** A new signed checkpoint from the integrator. */
  offer(size: number, note: string): void {
    this.remember(size, note);
    this.promoteIfQuorum(this.current!);
    for (const state of this.states) {
      if (state.busy) state.pending = { size, note };
      else void this.submit(state, size, note);
    }
  }

  /** The newest checkpoint with every cosignature collected so far. */
  get latest(): string | undefined {
    return this.current === undefined ? undefined : withLines(this.current);
  }

  /** The newest checkpoint whose cosignatures meet the policy's quorum. */
  get latestQuorum(): string | undefined {
    return this.quorum === undefined ? undefined : withLines(this.quorum);
  }

  /** The same checkpoint with its tree size: what receipts are proven against. */
  get quorumCheckpoint(): { readonly size: number; readonly note: string } | undefined {
    return this.quorum === undefined ? undefined : { size: this.quorum.size, note: withLines(this.quorum) };
  }

  private promoteIfQuorum(candidate: Cosigned): void {
    if (this.quorum !== undefined && candidate.size < this.quorum.size) return;
    if (quorumSatisfied(this.options.policy, new Set(candidate.lines.keys()))) this.quorum = { ...candidate, lines: new Map(candidate.lines) };
  }

  /** The newest checkpoint becomes current; any checkpoint is kept a while for late answers. */
  private remember(size: number, note: string): void {
    if (this.current === undefined || size > this.current.size) {
      this.current = { size, note, lines: new Map() };
      this.recent.set(size, this.current);
      if (this.recent.size > 16) this.recent.delete(this.recent.keys().next().value!);
    }
  }

  private async submit(state: WitnessState, size: number, note: string): Promise<void> {
    state.busy = true;
    try {
      let target = { size, note };
      let answer = await this.request(state, target.size, target.note);
      // Each 409 names the witness's size; other nodes can move it on between our requests.
      for (let attempt = 0; answer.status === 409 && attempt < MAX_CONFLICT_RETRIES; attempt++) {
        this.options.count?.('409', state.endpoint.name);
        const reported = Number(answer.body.trim());
        if (!Number.isSafeInteger(reported) || reported < 0) break;
        if (reported > target.size) {
          const newer = await this.options.stored?.();
          if (newer === undefined || newer.size < reported) {
            this.options.logger.log('warn', 'witness refused checkpoint', { witness: state.endpoint.name, size: target.size, status: 409, reason: `the witness has cosigned size ${reported}, beyond this log's stored checkpoint (${newer?.size ?? 0})` });
            return;
          }
          this.remember(newer.size, newer.note);
          target = { size: newer.size, note: newer.note };
        }
        state.knownSize = reported;
        answer = await this.request(state, target.size, target.note);
      }
      if (answer.status === 409) {
        // Still moving: the next offer (another node's checkpoint, or the refresh) tries again.
        this.options.count?.('409', state.endpoint.name);
        this.options.logger.log('info', 'witness moved on while we asked; retrying with the next checkpoint', { witness: state.endpoint.name, size: target.size });
        return;
      }
      this.options.count?.(String(answer.status), state.endpoint.name);
      if (answer.status === 200) this.accept(state, target.size, target.note, answer.body);
      else this.options.logger.log('warn', 'witness refused checkpoint', { witness: state.endpoint.name, size: target.size, status: answer.status, reason: answer.body.slice(0, 200) });
    } catch (error) {
      this.options.count?.('error', state.endpoint.name);
      this.options.logger.log('warn', 'witness unreachable', { witness: state.endpoint.name, size, error: (error as Error).message });
    } finally {
      state.busy = false;
      const next = state.pending;
      state.pending = undefined;
      if (next !== undefined && next.size >= state.knownSize) void this.submit(state, next.size, next.note);
    }
  }

  private async request(state: WitnessState, size: number, note: string): Promise<{ status: number; body: string }> {
    const reader = new TileHashReader(size, async (level, index, width) => {
      const tile = await this.options.tiles.getTile(level, index);
      if (tile === undefined || tile.width < width) throw new Error(`tile ${level}/${index} missing`);
      return tile.hashes.subarray(0, width * 32);
    });
    const from = Math.min(state.knownSize, size);
    const proof = await consistencyProof(from, size, reader);
    if (!proof.ok) throw new Error(`cannot prove ${from} → ${size}: ${proof.error.message}`);
    const body = `old ${from}\n${proof.value.map((h) => `${Buffer.from(h).toString('base64')}\n`).join('')}\n${note}`;
    const response = await fetch(`${state.endpoint.url}/add-checkpoint`, { method: 'POST', body, signal: AbortSignal.timeout(this.options.timeoutMs) });
    return { status: response.status, body: await boundedText(response, MAX_WITNESS_REPLY) };
  }

  /**
   * Keeps one cosignature that verifies under this witness's key for exactly this note, with a
   * timestamp not in the future. The published line is rebuilt from the verified signature,
   * never copied from the reply, so a witness cannot slip in a line that breaks clients.
   */
  private accept(state: WitnessState, size: number, note: string, body: string): void {
    state.knownSize = size;
    const parsed = parseNote(`${note}${body}`);
    const target = this.recent.get(size);
    if (!parsed.ok || target === undefined) return;
    const text = utf8(parsed.value.text);
    const { verifier, name } = state.endpoint;
    const latestAcceptable = Math.floor((this.options.now ?? Date.now)() / 1000) + MAX_CLOCK_SKEW_SECONDS;
    for (const sig of parsed.value.signatures) {
      if (sig.name !== verifier.name || sig.keyId !== verifier.keyId) continue;
      const timestamp = verifier.verifiedTimestamp(text, sig.signature);
      if (timestamp === undefined || timestamp > latestAcceptable) continue;
      target.lines.set(name, signatureLine(sig.name, sig.keyId, sig.signature));
      this.promoteIfQuorum(target);
      return;
    }
  }

  stop(): void {
    clearInterval(this.refresh);
  }
}

/** A witness answers a few signature lines; anything longer is not a witness answer. */
const MAX_WITNESS_REPLY = 16 * 1024;
const MAX_CLOCK_SKEW_SECONDS = 300;
/** 409s answered with a new proof before giving up until the next offer. */
const MAX_CONFLICT_RETRIES = 4;

async function boundedText(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`witness reply larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function withLines(c: Cosigned): string {
  return c.note + [...c.lines.values()].join('');
}

