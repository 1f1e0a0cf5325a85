/**
 * A record export (issue 12 item 3): everything `encodeRecordBundle` needs for one channel and
 * one complete seq range, gathered from the archive alone — no relay. The archive kept, as it
 * synced, every cosigned checkpoint it verified, the leaf hash of every log entry it scanned
 * (log-hashes.ts: the proofs), each pinned party's directory stream, and each channel's records.
 *
 * Choices (docs/spec/record.md, docs/design/decisions.md):
 * - the final checkpoint is the newest one held whose whole log this archive scanned (so every
 *   proof can be built from the leaf hashes), and it must cover the range;
 * - the only earlier checkpoint included is the earliest held one covering the range's last
 *   record — the checkpoint this terminal first verified it under — with a consistency proof to
 *   the final one;
 * - an envelope without a verified statement is a handshake when its commitment is zero (an
 *   MLS commit), else it goes withheld: the archive has no statement it could show.
 */
import { bytesEqual, consistencyProof, multiInclusionProof } from '@hotline/log';
import { channelTag, decodeRecord, genesisChain, type Charter, type LogRecord } from '@hotline/protocol';
import type { ChannelEntryInput, DirectoryEntryInput, RecordBundleInput } from '@hotline/verify';
import type { Archive } from '../archive/archive.js';
import type { LogHashes } from '../archive/log-hashes.js';
import type { Charters } from '../channel/charters.js';
import type { Directory } from '../directory/directory.js';
import { HotlineError } from '../errors.js';

/** What an export reads: the home's archive tables, nothing that needs the device key or the relay. */
export interface RecordSource {
  readonly archive: Archive;
  readonly directory: Directory;
  readonly logHashes: LogHashes;
  readonly charters: Charters;
}

/** Which seqs: A..B, or the records the relay received between two times (ms, inclusive); all verified seqs if absent. */
export type ExportRange = { readonly from: number; readonly to: number } | { readonly since: number; readonly until: number };

export interface ExportRequest {
  /** Channel name or id prefix, as other commands take it. */
  readonly channel: string;
  readonly range?: ExportRange;
  /** Statement ids (hex, or unique prefixes of at least 8 digits) to carry as commitments only. */
  readonly withhold?: readonly string[];
  /** Called as the export advances (done of total steps), for progress on a large channel. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface GatheredRecord {
  readonly input: RecordBundleInput;
  /** The log indexes the batched inclusion proof covers (sorted, unique) and the final checkpoint's size. */
  readonly proven: { readonly indexes: readonly number[]; readonly size: number };
  readonly charter: Charter;
  readonly from: number;
  readonly to: number;
  readonly statements: number;
  readonly withheld: number;
  readonly handshakes: number;
  /** Seqs whose envelope carried no statement this archive verified (exported withheld). */
  readonly unverified: readonly number[];
  readonly checkpointSize: number;
}

const ZERO = new Uint8Array(32);
const STALE = 'this archive predates record export or has not scanned the log that far: let this home\'s terminal sync with the relay reachable (hotline status, or the running terminal), then export again';

class ExportError extends HotlineError {
  override readonly name = 'ExportError';
}

const incomplete = (message: string, subject: { channel?: string; seq?: number; logIndex?: number } = {}) => new ExportError('record_incomplete', message, subject);

interface SeqRecord {
  readonly seq: number;
  readonly logIndex: number;
  readonly record: LogRecord;
}

/** The channel's kept records for seqs from..to, each one present, decoded. */
function channelRecords(source: RecordSource, charter: Charter, from: number, to: number): SeqRecord[] {
  const rows = source.archive.channelRecords(channelTag(charter.channelId), from, to);
  const out: SeqRecord[] = [];
  for (let seq = from, i = 0; seq <= to; seq++, i++) {
    const row = rows[i];
    if (row === undefined || row.seq !== seq) throw incomplete(`seq ${seq} of ${charter.name}: this archive holds no log record for it; ${STALE}`, { channel: charter.name, seq });
    const decoded = decodeRecord(row.record);
    if (!decoded.ok) throw incomplete(`seq ${seq} of ${charter.name}: the archived log record is unreadable (${decoded.error.message})`, { channel: charter.name, seq });
    out.push({ seq, logIndex: row.logIndex, record: decoded.value });
  }
  return out;
}

/**
 * The first seq this terminal can export: 1 if it holds that record (it opened the channel, or
 * joined by its first commit), else the one after the commit that added it — chain[A − 1] must
 * be known, and a member's history starts at that commit (it cannot read what came before).
 */
function firstExportable(source: RecordSource, charter: Charter): number {
  if (source.archive.channelRecords(channelTag(charter.channelId), 1, 1).length === 1) return 1;
  return (source.archive.firstChainSeq(charter.channelId) ?? 0) + 1;
}

/** chain[from − 1]: genesis, or as this terminal verified it (the chain it holds, else the record of seq from − 1). */
function chainBefore(source: RecordSource, charter: Charter, from: number): Uint8Array {
  if (from === 1) return genesisChain(channelTag(charter.channelId));
  const chain = source.archive.chainAt(charter.channelId, from - 1);
  if (chain !== undefined) return chain;
  const row = source.archive.channelRecords(channelTag(charter.channelId), from - 1, from - 1)[0];
  if (row === undefined) throw new ExportError('bad_range', `this terminal's history of ${charter.name} starts at seq ${firstExportable(source, charter)}: it cannot prove seq ${from} follows seq ${from - 1}`, { channel: charter.name, seq: from });
  const decoded = decodeRecord(row.record);
  if (!decoded.ok) throw incomplete(`seq ${from - 1} of ${charter.name}: the archived log record is unreadable`, { channel: charter.name, seq: from - 1 });
  return decoded.value.chainHash;
}

/** The seq range asked for, checked against what this terminal verified of the channel. */
function seqRange(source: RecordSource, charter: Charter, range: ExportRange | undefined): { from: number; to: number } {
  const verified = (source.archive.position(charter.channelId)?.nextSeq ?? 1) - 1;
  const first = firstExportable(source, charter);
  if (verified < first) throw new ExportError('bad_range', `this terminal has verified nothing of ${charter.name} it can export yet`, { channel: charter.name });
  if (range === undefined) return { from: first, to: verified };
  if ('from' in range) {
    if (range.from < 1 || range.to < range.from) throw new ExportError('bad_range', `--seq ${range.from}..${range.to} is not a range of seqs (1 ≤ A ≤ B)`, { channel: charter.name });
    if (range.to > verified) throw new ExportError('bad_range', `--seq ${range.from}..${range.to} goes past seq ${verified}, the last this terminal verified of ${charter.name}`, { channel: charter.name });
    if (range.from < first) throw new ExportError('bad_range', `--seq ${range.from}..${range.to} starts before seq ${first}, where this terminal's history of ${charter.name} starts`, { channel: charter.name });
    return range;
  }
  if (range.until < range.since) throw new ExportError('bad_range', '--until is before --since', { channel: charter.name });
  const all = channelRecords(source, charter, first, verified);
  const inside = all.filter((r) => r.record.receivedAt >= range.since && r.record.receivedAt <= range.until);
  if (inside.length === 0) throw new ExportError('bad_range', `the relay received nothing of ${charter.name} between ${new Date(range.since).toISOString()} and ${new Date(range.until).toISOString()}`, { channel: charter.name });
  return { from: inside[0]!.seq, to: inside[inside.length - 1]!.seq };
}

/** The statement ids to withhold, each resolved to one seq of the range. */
function withheldSeqs(source: RecordSource, charter: Charter, ids: readonly string[], from: number, to: number): Set<number> {
  const seqs = new Set<number>();
  for (const id of ids) {
    const hex = id.toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(hex)) throw new ExportError('bad_id', `--withhold takes statement ids: 8 to 64 hex digits, got ${JSON.stringify(id.slice(0, 70))}`);
    const found = source.archive.statementIdsLike(charter.channelId, hex);
    if (found.length === 0) throw new ExportError('not_found', `no statement of ${charter.name} has an id starting ${hex}`, { channel: charter.name });
    if (found.length > 1) throw new ExportError('ambiguous', `${hex} names ${found.length} statements of ${charter.name}: give more hex digits`, { channel: charter.name });
    const seq = found[0]!.seq;
    if (seq < from || seq > to) throw new ExportError('bad_range', `statement ${hex} is at seq ${seq}, outside the exported range ${from}..${to}`, { channel: charter.name, seq });
    seqs.add(seq);
  }
  return seqs;
}

/** Final checkpoint: the newest held one whose log this archive holds every leaf hash of. */
function checkpointsFor(source: RecordSource, lastLogIndex: number): { final: { size: number; note: string }; earlier: { size: number; note: string } | undefined } {
  const held = source.archive.checkpoints();
  const scanned = source.logHashes.size();
  const usable = held.filter((c) => c.size <= scanned);
  const final = usable[usable.length - 1];
  if (final === undefined || final.size <= lastLogIndex) {
    throw incomplete(`no checkpoint this archive holds both covers log index ${lastLogIndex} and lies within the ${scanned} log entries it scanned; ${STALE}`, { logIndex: lastLogIndex });
  }
  const first = held.find((c) => c.size > lastLogIndex);
  return { final, earlier: first !== undefined && first.size < final.size ? first : undefined };
}

/** Each charter party's whole directory stream under the final checkpoint, contiguous from seq 1. */
function directoryStreams(source: RecordSource, charter: Charter, size: number): RecordBundleInput['directory'] {
  return charter.parties.map((party) => {
    const stream = source.directory.stream(party.name, size);
    const entries: DirectoryEntryInput[] = stream.map((e, i) => {
      const where = `party ${party.name} directory seq ${e.seq} (log index ${e.logIndex})`;
      if (e.seq !== i + 1) throw incomplete(`party ${party.name}: this archive holds its directory stream only from seq ${stream[0]!.seq}, with seq ${i + 1} missing; ${STALE}`, { logIndex: e.logIndex });
      if (e.entry === undefined) throw incomplete(`${where}: this archive never held the certificate or revocation it logs (the relay could not produce it): it cannot be exported`, { logIndex: e.logIndex });
      return { logIndex: e.logIndex, record: e.record, entry: e.entry };
    });
    if (entries.length === 0) throw incomplete(`party ${party.name}: this archive holds none of its directory stream; ${STALE}`);
    return { party: party.name, entries };
  });
}

/** Gathers one channel's record for `encodeRecordBundle`, from the archive alone. */
export async function gatherRecord(source: RecordSource, request: ExportRequest): Promise<GatheredRecord> {
  const charter = source.charters.find(request.channel);
  const { from, to } = seqRange(source, charter, request.range);
  const progress = request.onProgress ?? (() => undefined);
  const total = to - from + 1;
  const records = channelRecords(source, charter, from, to);
  const withhold = withheldSeqs(source, charter, request.withhold ?? [], from, to);
  const unverified: number[] = [];
  const entries: ChannelEntryInput[] = [];
  let statements = 0;
  let handshakes = 0;
  for (const { seq, logIndex, record } of records) {
    const archived = source.archive.rawAt(charter.channelId, seq);
    let content: ChannelEntryInput['content'];
    if (archived !== undefined && !withhold.has(seq)) {
      content = { statement: archived };
      statements++;
    } else if (archived === undefined && bytesEqual(record.aux, ZERO)) {
      content = { handshake: true };
      handshakes++;
    } else {
      if (archived === undefined) unverified.push(seq);
      content = { withheld: record.aux };
    }
    entries.push({ logIndex, envelopeHash: record.itemHash, receivedAt: record.receivedAt, content });
    if (entries.length % 1000 === 0) progress(entries.length, total);
  }
  const startChain = chainBefore(source, charter, from);
  const { final, earlier } = checkpointsFor(source, records[records.length - 1]!.logIndex);
  const directory = directoryStreams(source, charter, final.size);
  const indexes = [...directory.flatMap((d) => d.entries.map((e) => e.logIndex)), ...entries.map((e) => e.logIndex)].sort((a, b) => a - b);
  const inclusion = await multiInclusionProof(indexes, final.size, source.logHashes);
  if (!inclusion.ok) throw incomplete(`the inclusion proof cannot be built from this archive: ${inclusion.error.message}; ${STALE}`);
  const consistency: Uint8Array[][] = [];
  if (earlier !== undefined) {
    const proof = await consistencyProof(earlier.size, final.size, source.logHashes);
    if (!proof.ok) throw incomplete(`the consistency proof from size ${earlier.size} cannot be built from this archive: ${proof.error.message}`);
    consistency.push(proof.value);
  }
  progress(total, total);
  return {
    input: {
      charter: charter.bytes,
      channel: { from, startChain, entries },
      checkpoints: [final.note, ...(earlier === undefined ? [] : [earlier.note])],
      consistency,
      directory,
      inclusion: inclusion.value,
    },
    proven: { indexes, size: final.size },
    charter,
    from,
    to,
    statements,
    withheld: total - statements - handshakes,
    handshakes,
    unverified,
    checkpointSize: final.size,
  };
}
