/**
 * Everything a browser needs to check one archived statement itself (console-api.md §2 `GET
 * …/statements/:seq/evidence`, §5): the signed statement and its log record as archived, the
 * author's device and the log index of its certificate, the smallest cosigned checkpoint this
 * home holds that covers the record, the RFC 6962 inclusion proof up to that checkpoint's root —
 * built from the leaf hashes this home kept while scanning (log-hashes.ts), no relay — and the
 * keys and policy to judge the checkpoint by.
 */
import { foldRight, formatVerifierKey, inclusionPlan, leafHash, toHex, type Policy } from '@hotline/log';
import { decodeRecord, type Charter } from '@hotline/protocol';
import type { Terminal } from '../terminal.js';
import { archivedRow } from './console-queries.js';
import { badgeAt, type Badge } from './console-transcript.js';
import { cosigners } from './cosigners.js';

export interface StatementEvidenceView {
  readonly seq: number;
  readonly badge: Badge;
  /** The signed statement as archived (hex). */
  readonly statement: string;
  /** The author as the verified directory knows it at the record (party, member, roles null/empty if it does not). */
  readonly author: { readonly deviceKey: string; readonly party: string | null; readonly member: string | null; readonly roles: readonly string[]; readonly certificateLogIndex: number | null };
  /** The 146-byte log record (hex). */
  readonly record: string;
  readonly logIndex: number;
  /** RFC 6962 leaf hash of the record (64 hex). */
  readonly leafHash: string;
  readonly checkpoint: { readonly size: number; readonly note: string; readonly witnesses: readonly string[] } | null;
  /** The audit path from the leaf to the checkpoint's root (empty without a checkpoint). */
  readonly inclusionProof: readonly string[];
  /** The log's verifier key (c2sp.org/signed-note vkey). */
  readonly logKey: string;
  readonly witnessKeys: readonly string[];
  /** The c2sp.org/tlog-policy text this terminal holds checkpoints to. */
  readonly policy: string;
}

/** The evidence of the statement archived at `seq`; undefined if none is (pending, withheld, a handshake). */
export function statementEvidence(t: Terminal, charter: Charter, seq: number): StatementEvidenceView | undefined {
  const row = archivedRow(t, charter.channelId, seq);
  if (row === undefined) return undefined;
  const badge = badgeAt(t, charter, seq)!;
  const record = decodeRecord(row.record);
  const receivedAt = record.ok ? record.value.receivedAt : 0;
  const device = t.directory.deviceAt(row.author, row.logIndex, receivedAt) ?? t.directory.entry(row.author);
  const checkpoint = provableCheckpoint(t, row.logIndex);
  const proof = checkpoint === undefined ? undefined : proofFor(t, row.logIndex, checkpoint.size);
  const { text, policy } = t.policy();
  return {
    seq,
    badge,
    statement: toHex(row.statement),
    author: {
      deviceKey: toHex(row.author),
      party: device?.party ?? null,
      member: device?.member ?? null,
      roles: device === undefined ? [] : [...device.roles],
      certificateLogIndex: t.directory.logged(row.author)?.logIndex ?? null,
    },
    record: toHex(row.record),
    logIndex: row.logIndex,
    leafHash: toHex(leafHash(row.record)),
    checkpoint: checkpoint === undefined || proof === undefined ? null : { size: checkpoint.size, note: checkpoint.note, witnesses: cosigners(checkpoint.note) },
    inclusionProof: proof?.map(toHex) ?? [],
    logKey: logKeyFor(policy, checkpoint?.note),
    witnessKeys: policy.witnesses.map((w) => formatVerifierKey(w.key)),
    policy: text,
  };
}

/** The smallest held checkpoint covering the index whose whole log this home kept leaf hashes of (so the proof can be built). */
function provableCheckpoint(t: Terminal, logIndex: number): { size: number; note: string } | undefined {
  const scanned = t.logHashes.size();
  const smallest = t.archive.checkpointCovering(logIndex);
  if (smallest === undefined || smallest.size <= scanned) return smallest;
  return t.archive.checkpoints().find((c) => c.size > logIndex && c.size <= scanned);
}

/** The RFC 6962 audit path, planned by @hotline/log and read synchronously from the kept leaf hashes. */
function proofFor(t: Terminal, logIndex: number, size: number): Uint8Array[] | undefined {
  const plan = inclusionPlan(logIndex, size);
  if (!plan.ok) return undefined;
  const read = t.logHashes.readNodes(plan.value.flat());
  if (!read.ok) return undefined;
  const proof: Uint8Array[] = [];
  let at = 0;
  for (const element of plan.value) {
    proof.push(foldRight(read.value.slice(at, at + element.length)));
    at += element.length;
  }
  return proof;
}

/** The policy's log whose key name is the checkpoint's origin (c2sp.org/tlog-checkpoint), else its first. */
function logKeyFor(policy: Policy, note: string | undefined): string {
  const origin = note?.split('\n')[0];
  const log = policy.logs.find((l) => l.key.name === origin) ?? policy.logs[0];
  return log === undefined ? '' : formatVerifierKey(log.key);
}
