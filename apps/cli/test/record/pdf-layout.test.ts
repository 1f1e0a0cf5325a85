/**
 * The PDF's text layout, with a measure that is easy to reason about (every code point 1 unit
 * wide at size 1): wrapping at spaces within the width, long words broken between code points
 * (never inside a surrogate pair), newlines kept, and blocks flowed across pages inside the margins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layOut, wrap, type Block, type BlockStyle, type Geometry } from '../../src/record/pdf-layout.js';

const measure = (text: string, size: number): number => Array.from(text).length * size;
const STYLE: BlockStyle = { size: 1, color: [0, 0, 0], indent: 0, gapBefore: 0 };

test('wraps at spaces, keeps every word, never exceeds the width', () => {
  const text = 'the quick brown fox jumps over the lazy dog';
  const lines = wrap(text, 10, 1, measure);
  assert.deepEqual(lines, ['the quick', 'brown fox', 'jumps over', 'the lazy', 'dog']);
  for (const line of lines) assert.ok(measure(line, 1) <= 10);
});

test('a word wider than the line is broken between code points, a surrogate pair never split', () => {
  const word = '🙂'.repeat(7);
  const lines = wrap(`ab ${word}`, 3, 1, measure);
  assert.deepEqual(lines, ['ab', '🙂🙂🙂', '🙂🙂🙂', '🙂']);
  assert.equal(lines.slice(1).join(''), word);
  assert.deepEqual(wrap('x'.repeat(5000), 100, 1, measure).map((l) => l.length), [...Array(50).fill(100)]);
});

test('newlines are kept, empty lines too', () => {
  assert.deepEqual(wrap('one\n\ntwo three', 5, 1, measure), ['one', '', 'two', 'three']);
});

test('blocks flow across pages inside the margins, a heading never last on its page', () => {
  const page: Geometry = { width: 40, height: 40, margin: 5, footer: 5 };
  const heading: BlockStyle = { ...STYLE, size: 2, keepWithNext: true };
  const blocks: Block[] = Array.from({ length: 12 }, (_, i) => [
    { text: `heading ${i}`, style: heading },
    { text: 'body text that wraps onto more than one line of this page', style: STYLE },
  ]).flat();
  const pages = layOut(blocks, page, measure);
  assert.ok(pages.length > 2);
  const placed = pages.flat();
  assert.equal(placed.filter((l) => l.style === heading).length, 12, 'every heading placed once');
  assert.equal(placed.filter((l) => l.style === STYLE).map((l) => l.text).join(' '), Array(12).fill('body text that wraps onto more than one line of this page').join(' '), 'every word placed once, in order');
  for (const lines of pages) {
    for (const l of lines) assert.ok(l.y >= page.margin + page.footer && l.y <= page.height - page.margin && l.x + measure(l.text, l.style.size) <= page.width - page.margin, JSON.stringify(l));
    assert.notEqual(lines[lines.length - 1]!.style, heading, 'a heading is followed on its page');
  }
});
