/**
 * The in-process mutation test (issue #12): flip one bit of every byte of a small real bundle.
 * Every flip must be detected, and named at the step the spec's order says: a byte that breaks
 * the JSON or its schema fails at format; otherwise the member it lies in decides — the charter
 * at the trust basis, a checkpoint or consistency hash at checkpoints, anything a log leaf is
 * made of at the proofs, a certificate at the directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRecordBundle, type RecordStep } from '../src/index.js';
import { buildFixture, TRUST } from './record-fixture.js';

interface Token {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/** The value tokens (strings and numbers) of canonical JSON text, each with its path and span (quotes excluded). */
function valueTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const string = (): [number, number] => {
    const start = ++at;
    while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    return [start, at++];
  };
  const value = (path: string): void => {
    const c = text[at];
    if (c === '{') {
      at++;
      while (text[at] !== '}') {
        const [s, e] = string();
        at++; // :
        value(path === '' ? text.slice(s, e) : `${path}.${text.slice(s, e)}`);
        if (text[at] === ',') at++;
      }
      at++;
    } else if (c === '[') {
      at++;
      for (let i = 0; text[at] !== ']'; i++) {
        value(`${path}[${i}]`);
        if (text[at] === ',') at++;
      }
      at++;
    } else if (c === '"') {
      const [start, end] = string();
      tokens.push({ path, start, end });
    } else {
      const start = at;
      while (/[-0-9a-z]/.test(text[at]!)) at++;
      if (/^-?[0-9]/.test(text.slice(start, at))) tokens.push({ path, start, end: at });
    }
  };
  value('');
  return tokens;
}

/** The step a flip inside a member's value may fail at besides format, and a pattern for its item. */
function expected(path: string): { step: RecordStep; item: RegExp } | undefined {
  const rules: [RegExp, RecordStep, RegExp][] = [
    [/^channel\.charter$/, 'trust', /^(charter|party .+)$/],
    [/^channel\.(startChain|envelopeHashes|logIndexes\[\d+\]|receivedAt\[\d+\]|entries\[\d+\](\.withheld)?)$/, 'proofs', /^(inclusion|log index \d+)$/],
    [/^checkpoints\[(\d+)\]$/, 'checkpoints', /^checkpoint \d+$/],
    [/^consistency\[\d+\]\[\d+\]$/, 'checkpoints', /^checkpoint \d+$/],
    [/^directory\[\d+\]\.entries\[\d+\]\.(record|logIndex)$/, 'proofs', /^(inclusion|log index \d+)$/],
    [/^directory\[\d+\]\.entries\[\d+\]\.entry$/, 'directory', /^party (washington|moscow) entry \d+$/],
    [/^directory\[\d+\]\.party$/, 'directory', /^directory\[\d+\]$/],
    [/^inclusion\[\d+\]$/, 'proofs', /^inclusion$/],
  ];
  for (const [pattern, step, item] of rules) if (pattern.test(path)) return { step, item };
  return undefined; // member names, punctuation, from/to, mediaType, literals: format only
}

test('every single-byte change of a real bundle is detected, at the step its position calls for', async () => {
  const { bytes } = await buildFixture({ seqs: 4, handshakes: [3], withhold: [4], earlierCheckpoint: true });
  const good = await verifyRecordBundle(bytes, TRUST);
  assert.ok(good.ok);
  const text = new TextDecoder().decode(bytes);
  // Byte offset of each UTF-16 unit (the notes' signature lines begin with U+2014, three bytes).
  const byteAt: number[] = [];
  let offset = 0;
  for (let i = 0; i < text.length; i++) {
    byteAt.push(offset);
    offset += new TextEncoder().encode(text[i]).length;
  }
  byteAt.push(offset);
  assert.equal(offset, bytes.length);
  const owner = new Array<Token | undefined>(bytes.length);
  for (const t of valueTokens(text)) for (let i = byteAt[t.start]!; i < byteAt[t.end]!; i++) owner[i] = t;
  const seen = new Map<RecordStep, number>();
  for (let position = 0; position < bytes.length; position++) {
    const mutated = bytes.slice();
    mutated[position]! ^= 0x01;
    const verdict = await verifyRecordBundle(mutated, TRUST);
    const token = owner[position];
    const where = `byte ${position} (${token?.path ?? 'structure'})`;
    assert.equal(verdict.ok, false, `${where}: not detected`);
    if (verdict.ok) continue;
    const { step, item } = verdict.failure;
    seen.set(step, (seen.get(step) ?? 0) + 1);
    if (step === 'format') continue;
    const allowed = token === undefined ? undefined : expected(token.path);
    assert.ok(allowed !== undefined, `${where}: failed at ${step} (${item}), expected format`);
    assert.equal(step, allowed.step, `${where}: ${verdict.failure.message}`);
    assert.match(item, allowed.item, where);
  }
  for (const step of ['format', 'trust', 'checkpoints', 'proofs', 'directory'] as const) assert.ok((seen.get(step) ?? 0) > 0, `no flip reached ${step}: ${JSON.stringify([...seen])}`);
});
