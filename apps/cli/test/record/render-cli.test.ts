/**
 * `hotline render` on real record bundles (built by @hotline/verify's test fixture: real
 * signatures, a real log, cosigned checkpoints): only a bundle that verifies is rendered, the
 * same bytes every time, and a bundle that does not verify is refused naming why, writing nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordTrust } from '@hotline/verify';
import { main } from '../../src/main.js';
import { checkRendering } from '../../src/record/check-rendering.js';

interface Fixture {
  readonly bytes: Uint8Array;
  readonly trust: RecordTrust;
}
// The verify package's own fixture, from its compiled tests: one source of real bundles.
const fixtures = (await import(new URL('../../../../../packages/verify/dist/test/record-fixture.js', import.meta.url).href)) as {
  buildFixture(options: { seqs: number; withhold?: number[]; handshakes?: number[]; ackEvery?: number; text?: (seq: number) => string }): Promise<Fixture>;
  OTHER_ROOT: unknown;
};

const TEXT = (seq: number): string => (seq % 2 === 1 ? `Message ${seq}: hold position <b>&</b>` : `Сообщение ${seq}: получено и понято.`);
const fixture = await fixtures.buildFixture({ seqs: 9, withhold: [5], handshakes: [1], ackEvery: 3, text: TEXT });

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(argv, (l) => out.push(l), (l) => err.push(l));
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.chdir(saved);
  }
}

function withDir(work: (dir: string, trustArgs: string[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-render-cli-'));
  writeFileSync(join(dir, 'record.json'), fixture.bytes);
  writeFileSync(join(dir, 'policy.txt'), fixture.trust.policy);
  const trustArgs = [...fixture.trust.roots.flatMap((r) => ['--root', r]), '--policy', 'policy.txt'];
  return work(dir, trustArgs).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('render --pdf and --html: a verified bundle rendered, the same bytes each time, new files 0600', () => withDir(async (dir, trust) => {
  for (const [flag, a, b] of [['--pdf', 'a.pdf', 'b.pdf'], ['--html', 'a.html', 'b.html']] as const) {
    const first = await run(dir, 'render', 'record.json', flag, a, ...trust);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /a rendering, not evidence/);
    assert.equal((await run(dir, 'render', 'record.json', flag, b, ...trust)).code, 0);
    assert.deepEqual(readFileSync(join(dir, a)), readFileSync(join(dir, b)), `${flag}: byte-identical`);
    assert.equal(statSync(join(dir, a)).mode & 0o777, 0o600);
  }
  const html = readFileSync(join(dir, 'a.html'), 'utf8');
  assert.ok(html.includes('Сообщение 2: получено и понято.'));
  assert.ok(html.includes('Message 7: hold position &#60;b&#62;&#38;&#60;/b&#62;'));
  assert.ok(html.includes('#5  withheld') && html.includes('#1  MLS handshake'));
  assert.ok(html.includes('Acknowledged by washington / president (principal) (#3).'));
  assert.equal(readFileSync(join(dir, 'a.pdf')).subarray(0, 5).toString(), '%PDF-');
}));

test('what render wrote is what the verified bundle renders to (checkRendering accepts it, and refuses it changed)', () => withDir(async (dir, trust) => {
  assert.equal((await run(dir, 'render', 'record.json', '--pdf', 'r.pdf', ...trust)).code, 0);
  const { verifyRecordBundle } = await import('@hotline/verify');
  const verdict = await verifyRecordBundle(fixture.bytes, fixture.trust);
  assert.ok(verdict.ok);
  const pdf = new Uint8Array(readFileSync(join(dir, 'r.pdf')));
  assert.deepEqual(await checkRendering(verdict.transcript, verdict.summary, fixture.bytes, pdf), { ok: true, kind: 'pdf' });
  pdf[pdf.length >> 1] = pdf[pdf.length >> 1]! ^ 0x20;
  assert.equal((await checkRendering(verdict.transcript, verdict.summary, fixture.bytes, pdf)).ok, false);
}));

test('a bundle that does not verify is not rendered: exit 1 naming the first failure, nothing written', () => withDir(async (dir, trust) => {
  const changed = fixture.bytes.slice();
  const at = new TextDecoder().decode(changed).indexOf('"receivedAt":[') + 14;
  changed[at] = changed[at] === 0x31 ? 0x32 : 0x31;
  writeFileSync(join(dir, 'changed.json'), changed);
  const bad = await run(dir, 'render', 'changed.json', '--pdf', 'out.pdf', ...trust);
  assert.equal(bad.code, 1, bad.err);
  assert.match(bad.err, /changed\.json does NOT verify: .+ \(step \w+, \w+\)/);
  assert.doesNotMatch(bad.err, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(join(dir, 'out.pdf')), false);
  const wrongRoot = await run(dir, 'render', 'record.json', '--html', 'out.html', '--root', fixture.trust.roots[0]!, '--policy', 'policy.txt');
  assert.equal(wrongRoot.code, 1, 'a party root missing from the trust basis');
  assert.match(wrongRoot.err, /does NOT verify: .*\(step trust, /);
  assert.equal(existsSync(join(dir, 'out.html')), false);
}));

test('bad usage: no output or both, an existing OUT, an unreadable bundle, --policy without --root', () => withDir(async (dir, trust) => {
  assert.equal((await run(dir, 'render', 'record.json', ...trust)).code, 2);
  assert.equal((await run(dir, 'render', 'record.json', '--pdf', 'x.pdf', '--html', 'x.html', ...trust)).code, 2);
  writeFileSync(join(dir, 'taken.pdf'), 'mine');
  const exists = await run(dir, 'render', 'record.json', '--pdf', 'taken.pdf', ...trust);
  assert.equal(exists.code, 2);
  assert.match(exists.err, /taken\.pdf exists/);
  assert.equal(readFileSync(join(dir, 'taken.pdf'), 'utf8'), 'mine', 'never overwritten');
  assert.equal((await run(dir, 'render', 'missing.json', '--pdf', 'y.pdf', ...trust)).code, 2);
  assert.equal((await run(dir, 'render', 'record.json', '--pdf', 'y.pdf', '--policy', 'policy.txt', '--home', dir)).code, 2);
}));

test('verify --rendering: accepts the rendering render wrote, refuses it changed by one byte (exit 1), says so in --json', () => withDir(async (dir, trust) => {
  for (const [flag, out, kind] of [['--pdf', 'r.pdf', 'PDF'], ['--html', 'r.html', 'HTML']] as const) {
    assert.equal((await run(dir, 'render', 'record.json', flag, out, ...trust)).code, 0);
    const good = await run(dir, 'verify', 'record.json', ...trust, '--rendering', out);
    assert.equal(good.code, 0, good.err);
    assert.ok(good.out.includes(`rendering ${out}: this bundle's ${kind} rendering, byte for byte`), good.out);
    const bytes = readFileSync(join(dir, out));
    const at = Math.floor(bytes.length * 0.7);
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(join(dir, `changed-${out}`), bytes);
    const bad = await run(dir, 'verify', 'record.json', ...trust, '--rendering', `changed-${out}`);
    assert.equal(bad.code, 1);
    assert.ok(bad.err.includes(`rendering changed-${out} is NOT this bundle's ${kind} rendering: it differs from a fresh rendering at byte ${at}`), bad.err);
    const json = await run(dir, 'verify', 'record.json', ...trust, '--rendering', `changed-${out}`, '--json');
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.out).rendering, { file: `changed-${out}`, ok: false, kind: kind.toLowerCase(), offset: at });
  }
  const missing = await run(dir, 'verify', 'record.json', ...trust, '--rendering', 'nowhere.pdf');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read the rendering/);
}));
