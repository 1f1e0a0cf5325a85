import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codePointLabel, hasHiddenCharacters, nameParts, visibleName } from '../src/shared/visible-name.js';

test('an honest name is shown as it is, Cyrillic and spaces included', () => {
  assert.equal(visibleName('Washington'), 'Washington');
  assert.equal(visibleName('Москва дежурный'), 'Москва дежурный');
  assert.equal(hasHiddenCharacters('Москва'), false);
  assert.deepEqual(nameParts('alice'), [{ text: 'alice', hidden: false }]);
  assert.deepEqual(nameParts(''), []);
});

test('zero-width characters become visible tokens', () => {
  assert.equal(visibleName('ali\u200bce'), 'ali⟨U+200B⟩ce');
  assert.equal(visibleName('\u200c\u200d\u2060\ufeffx'), '⟨U+200C⟩⟨U+200D⟩⟨U+2060⟩⟨U+FEFF⟩x');
  assert.equal(hasHiddenCharacters('ali\u200bce'), true);
});

test('every bidi control the spec lists is shown, so a name cannot reverse what follows it', () => {
  const controls = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
  for (const cp of controls) {
    const shown = visibleName(`a${String.fromCodePoint(cp)}b`);
    assert.equal(shown, `a⟨${codePointLabel(String.fromCodePoint(cp))}⟩b`);
    assert.ok(!shown.includes(String.fromCodePoint(cp)), `U+${cp.toString(16)} still in ${shown}`);
  }
  assert.equal(visibleName('user\u202egpj.exe'), 'user⟨U+202E⟩gpj.exe');
});

test('control characters and line or paragraph separators are shown', () => {
  assert.equal(visibleName('a\nb\tc\u0000d\u007f'), 'a⟨U+000A⟩b⟨U+0009⟩c⟨U+0000⟩d⟨U+007F⟩');
  assert.equal(visibleName('a\u2028b\u2029c'), 'a⟨U+2028⟩b⟨U+2029⟩c');
  assert.equal(visibleName('\u0085'), '⟨U+0085⟩');
});

test('a hidden character outside the BMP is one token with its whole code point', () => {
  assert.equal(visibleName('x\u{e0001}y'), 'x⟨U+E0001⟩y'); // LANGUAGE TAG, Cf
  assert.deepEqual(nameParts('\u{e0001}'), [{ text: '⟨U+E0001⟩', hidden: true }]);
});

test('hasHiddenCharacters gives the same answer called twice (no global regex state leaks)', () => {
  assert.equal(hasHiddenCharacters('a\u200b'), true);
  assert.equal(hasHiddenCharacters('a\u200b'), true);
  assert.equal(hasHiddenCharacters('ab'), false);
});
