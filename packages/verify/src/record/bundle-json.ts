/**
 * The bundle's JSON shape (record.md "The document"): from the exporter's input to a JSON value,
 * and back from parsed JSON to typed bytes, checking every member's presence and type, the
 * base64 and the array lengths. Everything here is the "format" step.
 */
import { HASH_SIZE, fromBase64, toBase64 } from '@hotline/log';
import { RECORD_SIZE } from '@hotline/protocol';
import type { Json } from '../json/canonical-json.js';
import { stop } from './failure.js';
import { RECORD_MEDIA_TYPE, type RecordBundleInput } from './types.js';

export type ChannelEntry = { readonly statement: Uint8Array } | { readonly withheld: Uint8Array } | { readonly handshake: true };

export interface DecodedBundle {
  readonly charter: Uint8Array;
  readonly from: number;
  readonly to: number;
  readonly startChain: Uint8Array;
  readonly logIndexes: readonly number[];
  readonly envelopeHashes: readonly Uint8Array[];
  readonly receivedAt: readonly number[];
  readonly entries: readonly ChannelEntry[];
  readonly checkpoints: readonly string[];
  readonly consistency: readonly (readonly Uint8Array[])[];
  readonly directory: readonly { readonly party: string; readonly entries: readonly { readonly logIndex: number; readonly record: Uint8Array; readonly entry: Uint8Array }[] }[];
  readonly inclusion: readonly Uint8Array[];
}

/** The salt and signature end every statement (protocol.md §13): the least a revealed entry must hold. */
export const STATEMENT_TAIL = 32 + 64;

// ---- writing ---------------------------------------------------------------------------------

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.length * HASH_SIZE);
  parts.forEach((part, i) => {
    if (part.length !== HASH_SIZE) throw new RangeError(`envelope hash ${i} is ${part.length} bytes, not ${HASH_SIZE}`);
    out.set(part, i * HASH_SIZE);
  });
  return out;
}

export function bundleToJson(input: RecordBundleInput): Json {
  const { channel } = input;
  if (channel.entries.length === 0) throw new RangeError('a record bundle holds at least one seq');
  if (input.checkpoints.length === 0) throw new RangeError('a record bundle holds at least the final checkpoint');
  if (input.consistency.length !== input.checkpoints.length - 1) throw new RangeError('one consistency proof per earlier checkpoint');
  const b64 = (bytes: Uint8Array) => toBase64(bytes);
  return {
    channel: {
      charter: b64(input.charter),
      from: channel.from,
      to: channel.from + channel.entries.length - 1,
      startChain: b64(channel.startChain),
      logIndexes: channel.entries.map((e) => e.logIndex),
      envelopeHashes: b64(concat(channel.entries.map((e) => e.envelopeHash))),
      receivedAt: channel.entries.map((e) => e.receivedAt),
      entries: channel.entries.map(({ content }): Json =>
        'statement' in content ? b64(content.statement) : 'withheld' in content ? { withheld: b64(content.withheld) } : { handshake: true },
      ),
    },
    checkpoints: [...input.checkpoints],
    consistency: input.consistency.map((proof) => proof.map(b64)),
    directory: input.directory.map((party) => ({
      party: party.party,
      entries: party.entries.map((e) => ({ logIndex: e.logIndex, record: b64(e.record), entry: b64(e.entry) })),
    })),
    inclusion: input.inclusion.map(b64),
    mediaType: RECORD_MEDIA_TYPE,
  };
}

// ---- reading ---------------------------------------------------------------------------------

type JsonObject = { readonly [member: string]: Json };

const bad = (path: string, code: string, detail: string): never => stop('format', path, code, detail);

function object(value: Json, path: string, members: readonly string[]): JsonObject {
  if (typeof value !== 'object' || Array.isArray(value)) return bad(path, 'wrong_type', 'must be an object');
  const record = value as JsonObject;
  for (const name of Object.keys(record)) if (!members.includes(name)) bad(path, 'unknown_member', `has an unknown member ${JSON.stringify(name)}`);
  for (const name of members) if (!(name in record)) bad(path, 'missing_member', `lacks the member "${name}"`);
  return record;
}

function array(value: Json, path: string): readonly Json[] {
  if (!Array.isArray(value)) return bad(path, 'wrong_type', 'must be an array');
  return value as readonly Json[];
}

function string(value: Json, path: string): string {
  if (typeof value !== 'string') return bad(path, 'wrong_type', 'must be a string');
  return value;
}

function count(value: Json, path: string): number {
  if (typeof value !== 'number' || value < 0) return bad(path, 'wrong_type', 'must be a non-negative integer');
  return value;
}

function base64(value: Json, path: string, length?: number): Uint8Array {
  const bytes = fromBase64(string(value, path));
  if (bytes === undefined) return bad(path, 'malformed_base64', 'is not canonical base64 (RFC 4648, padded, zero pad bits)');
  if (length !== undefined && bytes.length !== length) bad(path, 'wrong_length', `holds ${bytes.length} bytes, not ${length}`);
  return bytes;
}

function channelEntry(value: Json, path: string): ChannelEntry {
  if (typeof value === 'string') {
    const statement = base64(value, path);
    if (statement.length < STATEMENT_TAIL) bad(path, 'wrong_length', `holds ${statement.length} bytes, too few for a statement`);
    return { statement };
  }
  if (typeof value === 'object' && !Array.isArray(value) && 'withheld' in value) {
    return { withheld: base64(object(value, path, ['withheld']).withheld!, `${path}.withheld`, HASH_SIZE) };
  }
  const handshake = object(value, path, ['handshake']).handshake;
  if (handshake !== true) bad(`${path}.handshake`, 'wrong_type', 'must be true');
  return { handshake: true };
}

function decodeChannel(value: Json) {
  const c = object(value, 'channel', ['charter', 'entries', 'envelopeHashes', 'from', 'logIndexes', 'receivedAt', 'startChain', 'to']);
  const charter = base64(c.charter!, 'channel.charter');
  const from = count(c.from!, 'channel.from');
  const to = count(c.to!, 'channel.to');
  const startChain = base64(c.startChain!, 'channel.startChain', HASH_SIZE);
  const entries = array(c.entries!, 'channel.entries');
  if (from < 1) bad('channel.from', 'bad_range', 'seqs start at 1');
  if (entries.length === 0) bad('channel.entries', 'bad_range', 'must hold at least one seq');
  if (to !== from + entries.length - 1) bad('channel.to', 'bad_range', `is ${to}, but ${entries.length} entries from seq ${from} end at ${from + entries.length - 1}`);
  const counted = (name: string) => {
    const list = array(c[name]!, `channel.${name}`);
    if (list.length !== entries.length) bad(`channel.${name}`, 'wrong_length', `has ${list.length} items for ${entries.length} entries`);
    return list.map((n, i) => count(n, `channel.${name}[${i}]`));
  };
  const logIndexes = counted('logIndexes');
  const receivedAt = counted('receivedAt');
  const hashes = base64(c.envelopeHashes!, 'channel.envelopeHashes', entries.length * HASH_SIZE);
  const envelopeHashes = entries.map((_, i) => hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return { charter, from, to, startChain, logIndexes, envelopeHashes, receivedAt, entries: entries.map((e, i) => channelEntry(e, `channel.entries[${i}]`)) };
}

function hashList(value: Json, path: string): Uint8Array[] {
  return array(value, path).map((h, i) => base64(h, `${path}[${i}]`, HASH_SIZE));
}

function decodeDirectory(value: Json): DecodedBundle['directory'] {
  return array(value, 'directory').map((p, i) => {
    const path = `directory[${i}]`;
    const party = object(p, path, ['entries', 'party']);
    return {
      party: string(party.party!, `${path}.party`),
      entries: array(party.entries!, `${path}.entries`).map((e, j) => {
        const at = `${path}.entries[${j}]`;
        const entry = object(e, at, ['entry', 'logIndex', 'record']);
        return { logIndex: count(entry.logIndex!, `${at}.logIndex`), record: base64(entry.record!, `${at}.record`, RECORD_SIZE), entry: base64(entry.entry!, `${at}.entry`) };
      }),
    };
  });
}

/** The typed bundle from parsed canonical JSON; stops at the first member that is not as record.md says. */
export function decodeBundleJson(value: Json): DecodedBundle {
  const top = object(value, 'bundle', ['channel', 'checkpoints', 'consistency', 'directory', 'inclusion', 'mediaType']);
  if (top.mediaType !== RECORD_MEDIA_TYPE) bad('mediaType', 'wrong_media_type', `must be ${RECORD_MEDIA_TYPE}`);
  const channel = decodeChannel(top.channel!);
  const checkpoints = array(top.checkpoints!, 'checkpoints').map((note, i) => string(note, `checkpoints[${i}]`));
  if (checkpoints.length === 0) bad('checkpoints', 'wrong_length', 'must hold at least the final checkpoint');
  const consistency = array(top.consistency!, 'consistency').map((proof, i) => hashList(proof, `consistency[${i}]`));
  if (consistency.length !== checkpoints.length - 1) bad('consistency', 'wrong_length', `has ${consistency.length} proofs for ${checkpoints.length - 1} earlier checkpoints`);
  const directory = decodeDirectory(top.directory!);
  const inclusion = hashList(top.inclusion!, 'inclusion');
  return { ...channel, checkpoints, consistency, directory, inclusion };
}
