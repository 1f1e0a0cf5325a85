/** Statements: signed by the author device, every byte covered, commitments that bind and hide. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeMessageBody,
  encodeMessageBody,
  openStatement,
  Precedence,
  signStatement,
  statementCommitment,
  statementId,
  StatementType,
  type StatementFields,
} from '../src/index.js';
import { code, device, flip } from './fixtures.js';

const author = device(50);
const fields: StatementFields = {
  type: StatementType.message,
  channelId: new Uint8Array(16).fill(1),
  author: author.publicKey,
  time: 1_767_225_600_000,
  head: { seq: 41, chainHash: new Uint8Array(32).fill(2) },
  body: encodeMessageBody({ precedence: Precedence.flash, language: 'en', text: 'Confirm receipt of this message.' }),
  salt: new Uint8Array(32).fill(3),
};

test('a statement round-trips and its body decodes', () => {
  const s = signStatement(fields, author);
  const opened = openStatement(s.bytes);
  assert.ok(opened.ok);
  assert.equal(opened.value.head.seq, 41);
  const body = decodeMessageBody(opened.value.body);
  assert.ok(body.ok);
  assert.equal(body.value.precedence, Precedence.flash);
  assert.equal(body.value.text, 'Confirm receipt of this message.');
  const reply = signStatement({ ...fields, type: StatementType.ack, parent: statementId(s), body: new Uint8Array(0) }, author);
  const openedReply = openStatement(reply.bytes);
  assert.ok(openedReply.ok);
  assert.deepEqual(openedReply.value.parent, statementId(s));
});

test('every byte is covered by the author signature', () => {
  const s = signStatement(fields, author);
  for (let i = 0; i < s.bytes.length; i++) assert.notEqual(code(openStatement(flip(s.bytes, i))), 'ok', `byte ${i}`);
  assert.throws(() => signStatement(fields, device(51)), TypeError);
});

test('the commitment binds the statement and depends on the salt', () => {
  const s = signStatement(fields, author);
  const other = signStatement({ ...fields, salt: new Uint8Array(32).fill(4) }, author);
  assert.notDeepEqual(statementCommitment(s), statementCommitment(other), 'same words, other salt: another commitment');
  assert.notDeepEqual(statementId(s), statementCommitment(s));
});

test('malformed statements and bodies are named', () => {
  const s = signStatement(fields, author);
  assert.equal(code(openStatement(s.bytes.subarray(0, 100))), 'malformed_statement');
  assert.equal(code(openStatement(new Uint8Array([...s.bytes, 0]))), 'malformed_statement');
  assert.equal(code(openStatement(new Uint8Array([9, ...s.bytes.subarray(1)]))), 'unsupported_version');
  const badType = signStatement({ ...fields, type: 99 as never }, author);
  assert.equal(code(openStatement(badType.bytes)), 'malformed_statement');
  assert.equal(code(decodeMessageBody(encodeMessageBody({ precedence: 9 as never, language: 'en', text: 'x' }))), 'malformed_statement');
  assert.equal(code(decodeMessageBody(encodeMessageBody({ precedence: 1, language: 'not a tag', text: 'x' }))), 'malformed_statement');
});
