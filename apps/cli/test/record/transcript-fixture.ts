/**
 * A hand-made verified transcript for the rendering tests: every precedence, Latin and Cyrillic
 * text, an ack, a receipt, an edit with its history, a withheld seq, a handshake, a heartbeat, a
 * rule breach, a message long enough to wrap across a page break, and text that attacks HTML
 * (`<script>`, `&`, quotes), bidi order (U+202E) and the font (an emoji DejaVu lacks).
 */
import type { RecordSummary, RecordTranscript, TranscriptAuthor, TranscriptBody, TranscriptItem } from '@hotline/verify';

export const HOSTILE = '</p><script>alert("x")</script> & <img src=x onerror=alert(1)> \'quoted\' \u202egnp.exe 🙂';
export const RUSSIAN = 'Получено и понято. Встреча в Женеве подтверждена на четверг, 10:00.';
const LONG = Array.from({ length: 60 }, (_, i) => `Абзац ${i + 1}: длинное сообщение, которое переносится по словам и продолжается на следующей странице; paragraph ${i + 1} in Latin too.`).join(' ');

const alice: TranscriptAuthor = { party: 'washington', member: 'alice', roles: ['principal'], device: 'a1'.repeat(32) };
const boris: TranscriptAuthor = { party: 'moscow', member: 'boris', roles: ['operator'], device: 'b2'.repeat(32) };

const id = (n: number): string => n.toString(16).padStart(2, '0').repeat(32);
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);

function statement(seq: number, author: TranscriptAuthor, type: string, body: TranscriptBody, extra: { parent?: string; breaches?: string[] } = {}): TranscriptItem {
  return {
    seq,
    logIndex: 1000 + seq * 3,
    receivedAt: T0 + seq * 60_000 + 250,
    kind: 'statement',
    statement: { id: id(seq), type, author, time: T0 + seq * 60_000, head: { seq: seq - 1 }, ...(extra.parent === undefined ? {} : { parent: extra.parent }), body, breaches: extra.breaches ?? [] },
  };
}

const message = (precedence: 'FLASH' | 'IMMEDIATE' | 'PRIORITY' | 'ROUTINE', language: string, text: string, approvals = 0): TranscriptBody => ({ kind: 'message', precedence, language, text, approvals });

export const ITEMS: readonly TranscriptItem[] = [
  { seq: 1, logIndex: 1001, receivedAt: T0, kind: 'handshake' },
  statement(2, alice, 'message', message('FLASH', 'en', 'Hold all launches pending review. Confirm receipt.', 2)),
  statement(3, boris, 'ack', { kind: 'ack', message: id(2) }),
  statement(4, boris, 'message', message('IMMEDIATE', 'ru', RUSSIAN), { parent: id(2) }),
  statement(5, alice, 'receipt', { kind: 'receipt', receipt: 'read', ids: [id(4), id(99)] }),
  { seq: 6, logIndex: 1019, receivedAt: T0 + 6 * 60_000, kind: 'withheld' },
  statement(7, alice, 'message', message('PRIORITY', 'en', 'Meeting moved to Thursday.')),
  statement(8, alice, 'edit', message('PRIORITY', 'en', 'Meeting moved to Friday.'), { parent: id(7) }),
  statement(9, alice, 'edit', message('PRIORITY', 'en', 'Meeting moved to Friday, 10:00.'), { parent: id(8) }),
  statement(10, boris, 'message', message('ROUTINE', 'en', HOSTILE)),
  statement(11, boris, 'heartbeat', { kind: 'other' }),
  statement(12, boris, 'ack', { kind: 'ack', message: id(99) }, { breaches: ['bad_reference'] }),
  statement(13, boris, 'message', message('ROUTINE', 'ru', LONG)),
  statement(14, alice, 'ack', { kind: 'ack', message: id(13) }),
];

export const TRANSCRIPT: RecordTranscript = {
  channel: { name: 'washington-moscow', id: 'c0ffee00'.repeat(4), parties: ['washington', 'moscow'] },
  checkpoint: {
    origin: 'relay.example/log',
    size: 1100,
    root: 'ab'.repeat(32),
    cosignatures: [
      // Seconds, as cosignatures carry them.
      { witness: 'witness.washington.example', time: (T0 + 15 * 60_000) / 1000 },
      { witness: 'witness.moscow.example', time: (T0 + 15 * 60_000) / 1000 + 1 },
    ],
  },
  items: ITEMS,
};

export const SUMMARY: RecordSummary = {
  roots: [
    { party: 'washington', vkey: 'washington+3a1b2c3d+AeLrbSIuVFRAqbEt3fPbb1xEGVnCvD3FZAC3W0s6QJ2r' },
    { party: 'moscow', vkey: 'moscow+4d5e6f70+AdV7xM8BdVRu6wLrmAGlAFz9ZV0yjn1z1DE8rW8JCyTM' },
  ],
  witnesses: ['witness.washington.example', 'witness.moscow.example'],
  quorum: '2 of 2',
  checkpoint: { origin: 'relay.example/log', size: 1100 },
  from: 1,
  to: 14,
  statements: 12,
  withheld: 1,
  handshakes: 1,
  rulesChecked: true,
};

/** Stands in for the bundle's bytes: a rendering only hashes and attaches them. */
export const BUNDLE = new TextEncoder().encode('{"mediaType":"application/vnd.hotline.record+json;version=1","stand-in":"for the rendering tests"}');
