/** What a rendering does to text a person typed: invisible and reordering characters become visible escapes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utcTime, visibleText } from '../../src/record/visible-text.js';

test('controls, bidi overrides and isolates, zero-width and BOM characters are shown as escapes', () => {
  assert.equal(visibleText('a\u202eb\u2066c\u200bd\ufeffe\u0007f\u0085g'), 'a\\u{202e}b\\u{2066}c\\u{200b}d\\u{feff}e\\u{7}f\\u{85}g');
});

test('newlines stay line breaks (CR LF and CR become LF), a tab a space, other text untouched', () => {
  assert.equal(visibleText('one\r\ntwo\rthree\tfour'), 'one\ntwo\nthree four');
  assert.equal(visibleText('Привет, мир — «цитата» 🙂'), 'Привет, мир — «цитата» 🙂');
});

test('times are UTC, and a clock past what a Date can hold is shown as its number', () => {
  assert.equal(utcTime(Date.UTC(2026, 11, 2, 13, 39, 19, 5)), '2026-12-02 13:39:19.005Z');
  assert.equal(utcTime(2 ** 60), `${2 ** 60} ms after the epoch`);
});
