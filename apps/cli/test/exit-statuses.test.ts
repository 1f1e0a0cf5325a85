/**
 * The exit-status table a reader relies on (issue 11: "the exit-status table is in the README
 * and tested"): the README's table and the contract's (docs/spec/cli.md) list exactly the
 * statuses of the code's one EXIT table, each row says what its EXIT name means, and the two
 * statuses that need no relay are what `hotline` really returns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';
import { EXIT } from '../src/failures.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** The `| status | meaning |` rows of the section under `heading`, up to the next heading. */
function statusTable(file: string, heading: string): Map<number, string> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `${file} has a section ${JSON.stringify(heading)}`);
  const section = text.slice(start + heading.length + 2).split(/\n#{1,6} /)[0]!;
  const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2]!] as const);
  assert.ok(rows.length > 0, `${file}: a | status | meaning | table under ${heading}`);
  return new Map(rows);
}

/** What the row for each EXIT name must say, in the words a reader looks for. */
const MEANS: Record<keyof typeof EXIT, RegExp> = {
  ok: /^success/,
  alert: /verification failure.*evidence alert/,
  usage: /^bad usage/,
  unreachable: /relay (cannot be reached|is not serving)/,
};

const codes = Object.values(EXIT).sort((a, b) => a - b);

for (const [file, heading] of [['README.md', '## Exit statuses and alerts'], [join('docs', 'spec', 'cli.md'), '## Exit statuses']] as const) {
  test(`${file}'s exit-status table is the code's EXIT table`, () => {
    const table = statusTable(file, heading);
    assert.deepEqual([...table.keys()], codes, 'the same statuses, in order, none missing or extra');
    for (const [name, status] of Object.entries(EXIT) as [keyof typeof EXIT, number][]) {
      assert.match(table.get(status)!, MEANS[name], `${file}: status ${status} is EXIT.${name}`);
    }
  });
}

test('the statuses that need no relay are what hotline returns: success and bad usage', async () => {
  const readme = statusTable('README.md', '## Exit statuses and alerts');
  const statusMeaning = (pattern: RegExp) => [...readme].find(([, meaning]) => pattern.test(meaning))![0];
  const quiet = () => {};
  assert.equal(await main(['--help'], quiet, quiet), statusMeaning(MEANS.ok));
  assert.equal(await main(['no-such-command'], quiet, quiet), statusMeaning(MEANS.usage));
  assert.equal(await main(['send', 'hotline', '--no-such-option'], quiet, quiet), statusMeaning(MEANS.usage));
});
