/** c2sp.org/tlog-policy: the spec's two-level example with real keys, and every rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVerifierKey, KeyType, parsePolicy, quorumSatisfied, verifierKeyOf, type Policy, type Result } from '../src/index.js';
import { testKey } from './helpers.js';

function code(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

const LOG_VKEY = formatVerifierKey(verifierKeyOf(testKey('example.org/log', KeyType.ed25519, 1)));
const wkey = (i: number) => formatVerifierKey(verifierKeyOf(testKey(`example.org/w${i}`, KeyType.cosignatureV1, 10 + i)));

const SPEC_SHAPE = `log ${LOG_VKEY}

witness X1 ${wkey(1)}
witness X2 ${wkey(2)}
witness X3 ${wkey(3)}
group X-witnesses 2 X1 X2 X3

witness Y1 ${wkey(4)}
witness Y2 ${wkey(5)}
witness Y3 ${wkey(6)}
group Y-witnesses any Y1 Y2 Y3

group X-and-Y all X-witnesses Y-witnesses
quorum X-and-Y
`;

function parsed(text: string): Policy {
  const result = parsePolicy(text);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

test("the spec's example policy parses and its quorum needs 2 of X and 1 of Y", () => {
  const policy = parsed(SPEC_SHAPE);
  assert.equal(policy.logs.length, 1);
  assert.equal(policy.witnesses.length, 6);
  assert.equal(policy.quorum, 'X-and-Y');
  const q = (...names: string[]) => quorumSatisfied(policy, new Set(names));
  assert.equal(q('X1', 'X2', 'Y3'), true);
  assert.equal(q('X1', 'X3', 'Y1', 'Y2'), true);
  assert.equal(q('X1', 'Y1', 'Y2', 'Y3'), false);
  assert.equal(q('X1', 'X2', 'X3'), false);
  assert.equal(q(), false);
  assert.equal(q('X-witnesses', 'Y-witnesses'), false, 'group names are not witnesses');
});

test('quorum none needs no cosignature; a single witness quorum needs that witness', () => {
  assert.equal(quorumSatisfied(parsed(`log ${LOG_VKEY}\nquorum none\n`), new Set()), true);
  const single = parsed(`witness W ${wkey(1)} https://w.example/\nquorum W`);
  assert.equal(single.witnesses[0]!.url, 'https://w.example/');
  assert.equal(quorumSatisfied(single, new Set()), false);
  assert.equal(quorumSatisfied(single, new Set(['W'])), true);
});

test('comments, tabs, leading and trailing whitespace are allowed', () => {
  const policy = parsed(`# a comment\n\t log\t${LOG_VKEY}  \n   # indented comment\nwitness A ${wkey(1)}\ngroup G any A\t\nquorum G\n`);
  assert.equal(policy.groups[0]!.threshold, 1);
});

test('names are opaque octets: a Kelvin sign is not a K', () => {
  const policy = parsed(`witness K ${wkey(1)}\nwitness \u212a ${wkey(2)}\ngroup both all K \u212a\nquorum both\n`);
  assert.equal(policy.witnesses.length, 2);
});

test('every policy rule violation is rejected as malformed_policy, naming the line', () => {
  const cases: [string, string][] = [
    ['missing quorum', `witness A ${wkey(1)}\n`],
    ['two quorum lines', `witness A ${wkey(1)}\nquorum A\nquorum A\n`],
    ['quorum names an undefined witness', `quorum A\nwitness A ${wkey(1)}\n`],
    ['group refers forward', `group G any A\nwitness A ${wkey(1)}\nquorum G\n`],
    ['member listed twice', `witness A ${wkey(1)}\nwitness B ${wkey(2)}\ngroup G 2 A A\nquorum G\n`],
    ['threshold zero', `witness A ${wkey(1)}\ngroup G 0 A\nquorum G\n`],
    ['threshold above members', `witness A ${wkey(1)}\ngroup G 2 A\nquorum G\n`],
    ['threshold with leading zero', `witness A ${wkey(1)}\ngroup G 01 A\nquorum G\n`],
    ['group without members', `witness A ${wkey(1)}\ngroup G any\nquorum A\n`],
    ['none as member', `witness A ${wkey(1)}\ngroup G any A none\nquorum G\n`],
    ['none as witness name', `witness none ${wkey(1)}\nquorum none\n`],
    ['name defined twice', `witness A ${wkey(1)}\ngroup A any A\nquorum A\n`],
    ['duplicate witness key under another name', `witness A ${wkey(1)}\nwitness B ${wkey(1)}\nquorum A\n`],
    ['duplicate log key', `log ${LOG_VKEY}\nlog ${LOG_VKEY}\nquorum none\n`],
    ['log with a cosignature key', `log ${wkey(1)}\nquorum none\n`],
    ['witness with a log key', `witness A ${LOG_VKEY}\nquorum A\n`],
    ['bad vkey', `witness A example.org/w+00000000+AAAA\nquorum A\n`],
    ['unknown keyword', `witnesses A ${wkey(1)}\nquorum none\n`],
    ['too many arguments', `log ${LOG_VKEY} https://l.example/ extra\nquorum none\n`],
    ['control character', `log ${LOG_VKEY}\r\nquorum none\n`],
  ];
  for (const [why, text] of cases) {
    const result = parsePolicy(text);
    assert.equal(code(result), 'malformed_policy', why);
    const expectLine = why === 'missing quorum' ? /^policy has no quorum line/ : /^policy (line \d+|contains)/;
    assert.match(result.ok ? '' : result.error.message, expectLine, why);
  }
  const second = parsePolicy(`witness A ${wkey(1)}\nquorum A\nquorum A\n`);
  assert.match(second.ok ? '' : second.error.message, /^policy line 3:/);
});

test('the same public key under another name and key ID is still a duplicate', () => {
  const w = testKey('example.org/w1', KeyType.cosignatureV1, 11);
  const renamed = formatVerifierKey({ name: 'example.org/renamed', type: KeyType.cosignatureV1, publicKey: w.publicKey });
  assert.notEqual(renamed, wkey(1));
  assert.equal(code(parsePolicy(`witness A ${wkey(1)}\nwitness B ${renamed}\nquorum A\n`)), 'malformed_policy');
});

test('a byte-order mark does not make two spellings of one vkey', () => {
  assert.equal(code(parsePolicy(`witness A \ufeff${wkey(1)}\nquorum A\n`)), 'malformed_policy');
});

test('hostile policies are evaluated in linear time', () => {
  // Groups sharing members across levels: naive recursion doubles per level.
  const lines = [`witness w ${wkey(1)}`, 'group g0 any w'];
  for (let i = 0; i < 127; i++) lines.push(`group h${i} any g${i}`, `group g${i + 1} all g${i} h${i}`);
  lines.push('quorum g127');
  const policy = parsed(lines.join('\n'));
  const start = performance.now();
  assert.equal(quorumSatisfied(policy, new Set(['w'])), true);
  assert.equal(quorumSatisfied(policy, new Set()), false);
  assert.ok(performance.now() - start < 1000, 'quorum evaluation must not be exponential');
  const spaces = `quorum${' '.repeat(100_000)}x\n`;
  const t = performance.now();
  assert.equal(code(parsePolicy(spaces)), 'malformed_policy');
  assert.ok(performance.now() - t < 1000, 'tokenising must not backtrack');
  assert.equal(code(parsePolicy('#'.repeat(300 * 1024))), 'malformed_policy');
});
