/**
 * What a terminal runs against a relay's log: fetch the latest quorum checkpoint, verify the
 * log's signature and the witnesses' cosignatures against the channel's policy, prove it
 * consistent with the checkpoint already held, and raise a named alert for each way the relay
 * (or the network) can be lying:
 *
 *   bad_signature   the log signature or a known witness's cosignature fails, or a foreign key signed
 *   quorum_not_met  not enough witnesses cosigned it
 *   fork            same size with another root, no valid consistency proof from the held one, or another log
 *   rollback        smaller than the checkpoint already held
 *   stale           the quorum is not met by cosignatures within the freshness bound, though the relay answers
 *   unavailable     the checkpoint or a tile could not be fetched (nothing was proven)
 *   malformed       the checkpoint is not a well-formed signed checkpoint
 *
 * Browser-safe: all I/O is injected.
 */
import { bytesEqual } from './bytes.js';
import { verifyCheckpoint } from './checkpoint-verify.js';
import { verifyCheckpointWithPolicy, type PolicyCheckpoint } from './policy-verify.js';
import { quorumSatisfied, type Policy } from './policy.js';

/** Cosignature timestamps up to this far in the future are tolerated (clock skew). */
const MAX_CLOCK_SKEW_SECONDS = 300;
import { consistencyProof } from './prove.js';
import type { LogErrorCode, Result } from './result.js';
import { TileHashReader, type TileFetcher } from './tile-reader.js';
import { verifyConsistency } from './verify.js';

export type LogAlertCode = 'bad_signature' | 'quorum_not_met' | 'fork' | 'rollback' | 'stale' | 'unavailable' | 'malformed';

export interface HeldCheckpoint {
  /** The log being followed: checkpoints of any other origin are refused. */
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The newest witness cosignature timestamp seen on it (POSIX seconds). */
  readonly cosignedAt: number;
  /** The signed checkpoint itself, for the record. */
  readonly note: string;
}

export interface MonitorSources {
  /** The relay's latest quorum-cosigned checkpoint (signed note text). */
  fetchCheckpoint(): Promise<string>;
  fetchTile: TileFetcher;
}

export interface MonitorOptions {
  /** Seconds a cosignature may age before the log counts as stalled. */
  readonly freshnessSeconds: number;
  /** POSIX seconds. */
  readonly now?: () => number;
}

const SIGNATURE_CODES: readonly LogErrorCode[] = ['bad_signature', 'bad_cosignature', 'no_log_signature', 'no_verified_signature', 'origin_mismatch', 'unsupported_key_type'];

function alert<T>(code: LogAlertCode, message: string): Result<T, LogAlertCode> {
  return { ok: false, error: { code, message } };
}

export class LogMonitor {
  private current: HeldCheckpoint | undefined;

  constructor(
    private readonly policy: Policy,
    private readonly sources: MonitorSources,
    private readonly options: MonitorOptions,
    held?: HeldCheckpoint,
  ) {
    this.current = held;
  }

  /** The newest checkpoint verified so far: persist it, and pass it back in after a restart. */
  get held(): HeldCheckpoint | undefined {
    return this.current;
  }

  private now(): number {
    return (this.options.now ?? (() => Math.floor(Date.now() / 1000)))();
  }

  async update(): Promise<Result<PolicyCheckpoint, LogAlertCode>> {
    let text: string;
    try {
      text = await this.sources.fetchCheckpoint();
    } catch (error) {
      return alert('unavailable', `could not fetch the checkpoint: ${error instanceof Error ? error.message : String(error)}`);
    }
    const verified = verifyCheckpointWithPolicy(text, this.policy);
    if (!verified.ok) {
      const evidence = verified.error.code === 'quorum_not_met' ? this.logSignedEvidence(text) : undefined;
      if (evidence !== undefined) return evidence;
      const code: LogAlertCode = verified.error.code === 'quorum_not_met' ? 'quorum_not_met' : SIGNATURE_CODES.includes(verified.error.code) ? 'bad_signature' : 'malformed';
      return alert(code, verified.error.message);
    }
    const { size, rootHash, origin } = verified.value.checkpoint;
    const held = this.current;
    if (held !== undefined && held.origin !== origin) return alert('fork', `the checkpoint is from log ${origin}, not the followed log ${held.origin}`);
    if (held !== undefined) {
      if (size < held.size) return alert('rollback', `the log offers size ${size}, older than the held checkpoint of size ${held.size}`);
      if (size === held.size && !bytesEqual(rootHash, held.rootHash)) return alert('fork', `two different roots were cosigned for tree size ${size}`);
      if (size > held.size) {
        const proven = await this.proveConsistent(held, size, rootHash);
        if (!proven.ok) return proven;
      }
    }
    // The quorum must hold among fresh cosignatures alone: one fresh witness must not vouch for
    // stale ones, and a timestamp in the future (beyond clock skew) counts for nothing.
    const now = this.now();
    const fresh = verified.value.cosignatures.filter((c) => c.timestamp >= now - this.options.freshnessSeconds && c.timestamp <= now + MAX_CLOCK_SKEW_SECONDS);
    const freshNames = new Set(fresh.map((c) => this.policy.witnesses.find((w) => w.verifier === c.verifier)!.name));
    if (!quorumSatisfied(this.policy, freshNames)) {
      return alert('stale', `only ${fresh.length} of ${verified.value.cosignatures.length} cosignatures are within ${this.options.freshnessSeconds} s (and not in the future): the log may be stalled or withheld`);
    }
    const cosignedAt = Math.max(0, ...fresh.map((c) => c.timestamp));
    this.current = { size, rootHash, origin, cosignedAt, note: text };
    return { ok: true, value: verified.value };
  }

  /**
   * A checkpoint without its quorum still carries the log's own signature: if that signature
   * verifies and the checkpoint is older than, or contradicts, the held one, the log itself
   * signed a rollback or a fork — report that, not just the missing quorum.
   */
  private logSignedEvidence(text: string): Result<never, LogAlertCode> | undefined {
    const held = this.current;
    if (held === undefined) return undefined;
    const logOnly = verifyCheckpoint(text, { logs: this.policy.logs.map((l) => l.verifier), witnesses: [] });
    if (!logOnly.ok || logOnly.value.checkpoint.origin !== held.origin) return undefined;
    const { size, rootHash } = logOnly.value.checkpoint;
    if (size < held.size) return alert('rollback', `the log signed size ${size}, older than the held checkpoint of size ${held.size} (and no witness quorum cosigned it)`);
    if (size === held.size && !bytesEqual(rootHash, held.rootHash)) return alert('fork', `the log signed two different roots for tree size ${size}`);
    return undefined;
  }

  private async proveConsistent(held: HeldCheckpoint, size: number, rootHash: Uint8Array): Promise<Result<true, LogAlertCode>> {
    const proof = await consistencyProof(held.size, size, new TileHashReader(size, this.sources.fetchTile));
    if (!proof.ok) {
      return proof.error.code === 'tile_unavailable' ? alert('unavailable', proof.error.message) : alert('fork', `no consistency proof from ${held.size} to ${size}: ${proof.error.message}`);
    }
    const consistent = verifyConsistency(held.size, size, proof.value, held.rootHash, rootHash);
    if (!consistent.ok) return alert('fork', `the log at size ${size} does not extend the held checkpoint of size ${held.size}: ${consistent.error.message}`);
    return { ok: true, value: true };
  }
}
