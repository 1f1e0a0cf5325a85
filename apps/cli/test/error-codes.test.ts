/**
 * Failures by code (docs/spec/errors.md): the spec's table is the code's one EXIT_STATUS table,
 * row for row; and representative failures, made for real through main() (a missing home, a
 * home not set up, an unknown channel, a relay that refuses, a relay that is gone, a bad clock
 * file), end in their code and exit status, in words or, with --json, as one object.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseVerifierKey } from '@hotline/log';
import { silentLogger, startRelay } from '@hotline/relay';
import { TERMINAL_ERROR_CODES } from '@hotline/terminal';
import { CLI_ERROR_CODES, EXIT, EXIT_STATUS } from '../src/failures.js';
import { runCli as run } from './run-cli.js';
import { main } from '../src/main.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');


interface JsonFailure {
  error: { code: string; message: string; channel: string | null; seq: number | null; logIndex: number | null; relay: { status: number; code: string } | null };
}

/** A --json command's failure: exactly one JSON line on standard error, and nothing on standard output. */
async function failing(status: number, ...argv: string[]): Promise<JsonFailure['error']> {
  const r = await run(...argv, '--json');
  assert.equal(r.code, status, `${argv.join(' ')}: ${r.err}`);
  assert.equal(r.out, '', 'a failure prints no data');
  assert.equal(r.err.split('\n').length, 1, r.err);
  const parsed = JSON.parse(r.err) as JsonFailure;
  assert.deepEqual(Object.keys(parsed.error), ['code', 'message', 'channel', 'seq', 'logIndex', 'relay'], 'every member, null when absent');
  assert.equal(EXIT_STATUS[parsed.error.code as keyof typeof EXIT_STATUS], status, `${parsed.error.code} has status ${status} in the table`);
  return parsed.error;
}

test("docs/spec/errors.md's table is the code's EXIT_STATUS table: every code once, with its one exit status", () => {
  const text = readFileSync(join(ROOT, 'docs', 'spec', 'errors.md'), 'utf8');
  const rows = [...text.matchAll(/^\| `([a-z_]+)` \| (\d) \| (.+) \|$/gm)].map((m) => [m[1]!, Number(m[2])] as const);
  const documented = new Map(rows);
  assert.equal(documented.size, rows.length, 'no code documented twice');
  assert.deepEqual(new Map(Object.entries(EXIT_STATUS)), documented, 'the same codes with the same statuses');
  const codes = [...TERMINAL_ERROR_CODES, ...CLI_ERROR_CODES];
  assert.equal(new Set(codes).size, codes.length, 'the terminal and the CLI share no code');
  assert.deepEqual(Object.keys(EXIT_STATUS).sort(), [...codes].sort(), 'the table has a row for every code and no other');
  const statuses = new Set<number>(Object.values(EXIT));
  for (const [code, status] of Object.entries(EXIT_STATUS)) assert.ok(statuses.has(status) && status !== EXIT.ok, `${code}: a failing status`);
});

test('a home that is missing or not set up: not_set_up, exit 2, in words with the usage hint or as JSON', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-codes-empty-'));
  try {
    const missing = await failing(EXIT.usage, 'status', '--home', join(dir, 'typo'));
    assert.equal(missing.code, 'not_set_up');
    assert.match(missing.message, /^no Hotline home at /);
    const empty = await failing(EXIT.usage, 'status', '--home', dir);
    assert.equal(empty.code, 'not_set_up');
    const words = await run('status', '--home', dir);
    assert.equal(words.code, EXIT.usage);
    assert.deepEqual(words.err.split('\n'), [`hotline: ${empty.message}`, "Run 'hotline --help' for usage."]);
    // A line that does not parse is answered in words, --json or not.
    const unparsed = await run('status', '--home', dir, '--json', '--verbose');
    assert.equal(unparsed.code, EXIT.usage);
    assert.match(unparsed.err, /^hotline: unknown option --verbose\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown channel, a refusing relay, a relay gone, a bad clock file: each its code and status', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-codes-'));
  const home = join(dir, 'washington');
  const relayDir = join(dir, 'relay');
  try {
    const created = JSON.parse((await run('party', 'create', 'washington', '--home', home, '--json')).out) as { vkey: string };
    const root = parseVerifierKey(created.vkey);
    assert.ok(root.ok);
    const foreign = await startRelay({ dataDir: join(dir, 'foreign'), partyRoots: [], logger: silentLogger });
    try {
      const refused = await failing(EXIT.alert, 'init', '--relay', foreign.url, '--member', 'Admin', '--role', 'admin', '--home', home);
      assert.equal(refused.code, 'relay_refused');
      assert.deepEqual(refused.relay, { status: 403, code: 'unknown_party' }, "the relay's own answer, as data");
    } finally {
      await foreign.close();
    }
    const relay = await startRelay({ dataDir: relayDir, partyRoots: [root.value], logger: silentLogger });
    let relayOpen = true;
    try {
      const init = await run('init', '--relay', relay.url, '--member', 'Admin', '--role', 'admin', '--home', home);
      assert.equal(init.code, 0, init.err);
      const unknown = await failing(EXIT.usage, 'send', 'no-such-channel', 'hello', '--home', home);
      assert.deepEqual([unknown.code, unknown.channel], ['channel_not_found', 'no-such-channel']);
      await relay.close();
      relayOpen = false;
      const gone = await failing(EXIT.unreachable, 'channel', 'join', '--home', home);
      assert.equal(gone.code, 'relay_unreachable');
      assert.equal(gone.message, `cannot reach the relay at ${relay.url}`);
    } finally {
      if (relayOpen) await relay.close();
    }
    const clockFile = join(dir, 'offset');
    writeFileSync(clockFile, 'soon');
    process.env['HOTLINE_CLOCK_OFFSET_FILE'] = clockFile;
    try {
      const clock = await failing(EXIT.usage, 'status', '--home', home);
      assert.equal(clock.code, 'bad_clock_offset');
    } finally {
      delete process.env['HOTLINE_CLOCK_OFFSET_FILE'];
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
