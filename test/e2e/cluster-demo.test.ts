/**
 * The cluster demo (issue 15 item 4): `hotline demo --store postgres://… --relays 3` runs the
 * demo over three relay nodes on one PostgreSQL database (a database of the test's own, dropped
 * afterwards) and prints `relay pid <PID> <URL>` per node. After `kill -9` of the node every
 * home lists first — the one that sequenced the demo's exchange — a `send` goes through another
 * node, and the other party's `watch --once` shows the message verified, with no alert.
 * Without a PostgreSQL server the test skips, except under CI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOTLINE_BIN } from './processes.js';

const PSQL = ['-h', '127.0.0.1', '-p', '5432', '-d', 'test', '-v', 'ON_ERROR_STOP=1', '-qc'];

function psql(statement: string): { ok: boolean; err: string } {
  const r = spawnSync('psql', [...PSQL, statement], { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, err: `${r.stderr ?? ''}${r.error?.message ?? ''}` };
}

function hotline(...argv: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [HOTLINE_BIN, ...argv], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const reachable = psql('SELECT 1');
const skip = !reachable.ok && process.env['CI'] === undefined ? `no PostgreSQL at 127.0.0.1:5432 (${reachable.err.trim()})` : false;

test('the cluster demo: kill -9 of the first node, and messages still go through another, verified, with no alert', { skip, timeout: 240_000 }, async (t) => {
  const database = `hotline_demo_${randomBytes(6).toString('hex')}`;
  const created = psql(`CREATE DATABASE ${database}`);
  assert.ok(created.ok, created.err);
  const dir = mkdtempSync(join(tmpdir(), 'hotline-cluster-demo-'));
  const demo = spawn(process.execPath, [HOTLINE_BIN, 'demo', '--dir', join(dir, 'demo'), '--store', `postgres://127.0.0.1:5432/${database}`, '--relays', '3', '--follow-ms', '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
  t.after(async () => {
    if (demo.exitCode === null) demo.kill('SIGINT');
    await exited;
    psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  });
  let out = '';
  let err = '';
  demo.stdout.on('data', (d: Buffer) => (out += d.toString()));
  demo.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 180_000;
  while (!out.includes('Ctrl-C here stops the servers')) {
    assert.ok(Date.now() < deadline, `the cluster demo did not get ready:\n${out}\n${err}`);
    assert.equal(demo.exitCode, null, `the demo exited early:\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const nodes = [...out.matchAll(/^relay pid (\d+) (http:\/\/127\.0\.0\.1:\d+)$/gm)].map((m) => ({ pid: Number(m[1]), url: m[2]! }));
  assert.equal(nodes.length, 3, `one "relay pid" line per node:\n${out}`);
  assert.match(out, /alerts {4}none/, 'the exchange over the cluster verified with no alert');
  const home = (name: string) => join(dir, 'demo', 'homes', name);

  process.kill(nodes[0]!.pid, 'SIGKILL');
  const text = `after kill -9 of ${nodes[0]!.url}`;
  const sent = hotline('send', 'washington-moscow', text, '--precedence', 'immediate', '--home', home('washington-principal'));
  assert.equal(sent.code, 0, `send goes through another node: ${sent.err}${sent.out}`);
  assert.match(sent.out, /^sent to washington-moscow: seq \d+/);
  let seen = '';
  for (let i = 0; i < 100 && !seen.includes(text); i++) {
    const watched = hotline('watch', 'washington-moscow', '--once', '--history', '100', '--home', home('moscow-operator'));
    assert.ok(watched.code === 0 || watched.code === 3, watched.err);
    seen = watched.out;
    if (!seen.includes(text)) await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(seen, new RegExp(`washington / Principal {2}\\[IMMEDIATE\\] {2}${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`), `Moscow's operator sees it verified:\n${seen}`);
  assert.doesNotMatch(seen, /ALERT/);
  const status = hotline('status', '--home', home('moscow-operator'));
  assert.match(status.out, /alerts {4}none/, `no alert at Moscow after the node died:\n${status.out}`);
});
