/** c2sp.org/signed-note: the spec's own example, then every rejection path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_NOTE_SIGNATURES,
  noteSigner,
  noteVerifier,
  parseNote,
  parseNoteVerifier,
  signatureLine,
  signNote,
  utf8,
  verifierKeyOf,
  verifyNote,
  type NoteVerifier,
  type Result,
} from '../src/index.js';
import { testKey } from './helpers.js';

// From the signed-note spec, §Verifier keys › Example.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
// From the signed-note spec's opening example (signed by a key the spec does not publish).
const QUASIMODO =
  'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';

function specVerifier(): NoteVerifier {
  const v = parseNoteVerifier(SPEC_VKEY);
  assert.ok(v.ok);
  return v.value;
}

function code(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

test('the spec example note verifies under the spec example key', () => {
  const result = verifyNote(SPEC_NOTE, [specVerifier()]);
  assert.ok(result.ok);
  assert.equal(result.value.text, 'This is an example message.\n');
  assert.equal(result.value.verified.length, 1);
  assert.equal(result.value.verified[0]!.keyId, 0x530d903a);
});

test('a note with blank lines in its text splits at the last blank line', () => {
  const note = parseNote(QUASIMODO);
  assert.ok(note.ok);
  assert.equal(note.value.text, 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n');
  assert.equal(note.value.signatures[0]!.name, 'quasimodo.example/salvatore');
  assert.equal(code(verifyNote(QUASIMODO, [specVerifier()])), 'no_verified_signature');
});

test('a note also parses from UTF-8 bytes, and invalid UTF-8 is rejected', () => {
  assert.ok(verifyNote(utf8(SPEC_NOTE), [specVerifier()]).ok);
  const bytes = utf8(SPEC_NOTE);
  bytes[3] = 0xff;
  assert.equal(code(parseNote(bytes)), 'malformed_utf8');
});

test('sign then verify round-trips, with several signers', () => {
  const a = testKey('example.org/a', undefined, 1);
  const b = testKey('example.org/b', undefined, 2);
  const signed = signNote('hello\n\nworld\n', [noteSigner(a), noteSigner(b)]);
  const result = verifyNote(signed, [noteVerifier(verifierKeyOf(b))]);
  assert.ok(result.ok);
  assert.equal(result.value.text, 'hello\n\nworld\n');
  assert.equal(result.value.verified[0]!.name, 'example.org/b');
});

test('signatures from unknown keys are ignored, even sharing a name or an ID with a known key', () => {
  const known = specVerifier();
  const sig = parseNote(SPEC_NOTE);
  assert.ok(sig.ok);
  const raw = sig.value.signatures[0]!.signature;
  // Same name, other key ID; same key ID, other name: both unknown, so neither fails the note.
  const sameName = signatureLine('example.com/foo', 0x01020304, new Uint8Array(64));
  const sameId = signatureLine('example.com/bar', 0x530d903a, new Uint8Array(64));
  const note = `This is an example message.\n\n${sameName}${sameId}${signatureLine('example.com/foo', 0x530d903a, raw)}`;
  assert.equal(code(verifyNote(note, [known])), 'ok');
});

test('a failing signature from a known key rejects the whole note', () => {
  const tampered = SPEC_NOTE.replace('example message', 'example massage');
  assert.equal(code(verifyNote(tampered, [specVerifier()])), 'bad_signature');
  // A valid signature by the known key plus a failing one by the same key: still rejected.
  const forged = SPEC_NOTE + signatureLine('example.com/foo', 0x530d903a, new Uint8Array(64).fill(1));
  assert.equal(code(verifyNote(forged, [specVerifier()])), 'bad_signature');
});

test('a note with no signature by a known key is rejected', () => {
  assert.equal(code(verifyNote(SPEC_NOTE, [])), 'no_verified_signature');
  const key = testKey('example.org/k');
  assert.equal(code(verifyNote(SPEC_NOTE, [noteVerifier(verifierKeyOf(key))])), 'no_verified_signature');
});

test('malformed notes are rejected with malformed_note', () => {
  const sig = '— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=';
  const cases: [string, string][] = [
    ['no blank line', `text\n${sig}\n`],
    ['no final newline', `text\n\n${sig}`],
    ['no signatures', 'text\n\n'],
    ['carriage return', `text\r\n\n${sig}\n`],
    ['tab', `te\txt\n\n${sig}\n`],
    ['hyphen instead of em dash', `text\n\n- example.com/foo AAAAAAA=\n`],
    ['no space after name', `text\n\n— example.com/foo\n`],
    ['empty name', `text\n\n—  Uw2QOkn8\n`],
    ['plus in name', `text\n\n— a+b Uw2QOkn8\n`],
    ['non-breaking space in name', `text\n\n— a\u00a0b Uw2QOkn8\n`],
    ['non-canonical base64', `text\n\n— a Uw2QOkn\n`],
    ['signature shorter than 5 bytes', `text\n\n— a Uw2QOg==\n`],
  ];
  for (const [why, note] of cases) assert.equal(code(parseNote(note)), 'malformed_note', why);
  // A blank line among signature lines makes everything before it text, as the spec says.
  const split = parseNote(`text\n\n${sig}\n\n${sig}\n`);
  assert.ok(split.ok);
  assert.equal(split.value.text, `text\n\n${sig}\n`);
  assert.equal(split.value.signatures.length, 1);
});

test('lone surrogates are not text: two strings never share one signature', () => {
  const signer = noteSigner(testKey('example.org/k'));
  const signed = signNote('a\ufffd\n', [signer]);
  const swapped = signed.replace('\ufffd', '\ud800');
  assert.equal(code(verifyNote(swapped, [noteVerifier(verifierKeyOf(testKey('example.org/k')))])), 'malformed_utf8');
  assert.throws(() => signNote('a\udc00\n', [signer]), TypeError);
});

test('notes with too many signatures or too many bytes are refused before verification', () => {
  const line = '— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
  assert.equal(code(parseNote(`text\n\n${line.repeat(16)}`)), 'ok'); // the spec's minimum
  assert.equal(code(parseNote(`text\n\n${line.repeat(MAX_NOTE_SIGNATURES + 1)}`)), 'too_many_signatures');
  assert.equal(code(parseNote(`${'a'.repeat(600 * 1024)}\n\n${line}`)), 'note_too_large');
});

test('signNote refuses text that is not a valid note text', () => {
  const signer = noteSigner(testKey('example.org/k'));
  assert.throws(() => signNote('no newline', [signer]), TypeError);
  assert.throws(() => signNote('bell\u0007\n', [signer]), TypeError);
  assert.throws(() => signNote('ok\n', []), TypeError);
});
