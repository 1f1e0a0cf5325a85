/**
 * Look-alike names (console-api.md §4): UTS #39 skeletons over confusables.txt, so a party or
 * member name spelled with another script's letters, or with an invisible character inside, is
 * grouped with the name it imitates — and names that merely differ are not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookAlikeNames, skeleton } from '../src/index.js';

test('names whose skeletons agree are grouped; others are not', () => {
  const cyrillicA = 'W\u0430shington'; // U+0430 CYRILLIC SMALL LETTER A
  assert.notEqual(cyrillicA, 'Washington');
  assert.equal(skeleton(cyrillicA), skeleton('Washington'));
  assert.deepEqual(lookAlikeNames(['Washington', 'moscow', cyrillicA]), [['Washington', cyrillicA]]);
  // Greek omicron and Cyrillic o for Latin o, a zero-width space inside (default-ignorable): one group of four.
  const spoofs = ['moscow', 'm\u03bfscow', 'mos\u0441ow', 'mos\u200bcow'];
  assert.deepEqual(lookAlikeNames(['washington / Principal', ...spoofs]), [spoofs]);
  // Confusables.txt maps the digit 0 to capital O, not to small o: "operat0r" is no skeleton twin of "operator".
  assert.deepEqual(lookAlikeNames(['operator', 'operat0r']), []);
  assert.deepEqual(lookAlikeNames(['OPERATOR', 'OPERAT0R']), [['OPERATOR', 'OPERAT0R']]);
  // "rn" and "m" share a skeleton (a classic): the console flags them.
  assert.deepEqual(lookAlikeNames(['modern', 'rnodern']), [['modern', 'rnodern']]);
  // Distinct, unrelated names — and one name twice — form no group.
  assert.deepEqual(lookAlikeNames(['washington', 'moscow', 'Washington–Moscow', 'washington']), []);
  assert.deepEqual(lookAlikeNames([]), []);
});
