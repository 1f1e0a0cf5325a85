/**
 * Issue 10: SIGINT and SIGTERM stop every server cleanly, and nothing is left running. Real
 * processes on 127.0.0.1, each test bounded in time and killing (by PID) whatever it started.
 * `hotline relay` and `hotline witness` close and exit 0; `hotline demo` stops the relay and
 * witnesses it started on either signal, even in the middle of setting up, and on its own
 * exit with --exit; through `npm run hotline`, npm's forwarded SIGTERM reaches the server, and
 * node_modules/.bin/hotline (the README's server form) is the server process itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatVerifierKey, generateSignerKey, KeyType, verifierKeyOf } from '@hotline/log';
import { HOTLINE_BIN } from './processes.js';
import { alive } from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  readonly child: ChildProcess;
  readonly out: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(command: string, args: readonly string[]): Started {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, exited };
}

async function waitFor(p: Started, what: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what.test(p.out())) {
    assert.equal(p.child.exitCode, null, `exited before printing ${what}:\n${p.out()}`);
    assert.ok(Date.now() < deadline, `did not print ${what} within ${ms} ms:\n${p.out()}`);
    await sleep(50);
  }
}

async function exitWithin(p: Started, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const result = await Promise.race([p.exited, sleep(ms).then(() => undefined)]);
  assert.ok(result !== undefined, `still running ${ms} ms after the signal:\n${p.out()}`);
  return result;
}

/** The direct children of `pid` (Linux /proc; empty elsewhere). */
function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter((s) => s !== '').map(Number);
}

/** Waits (bounded) for every pid to be gone; kills survivors so the test leaves nothing behind. */
async function assertAllGone(pids: readonly number[], ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
  const survivors = pids.filter(alive);
  for (const pid of survivors) process.kill(pid, 'SIGKILL');
  assert.deepEqual(survivors, [], 'no process left running');
}

function cleanUp(dir: string, ...started: Started[]): void {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`hotline relay and hotline witness close and exit 0 on ${signal}`, { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-signals-'));
    const relay = start(process.execPath, [HOTLINE_BIN, 'relay', '--data', join(dir, 'relay'), '--listen', '127.0.0.1:0']);
    const logKey = formatVerifierKey(verifierKeyOf(generateSignerKey('relay.example/log', KeyType.ed25519)));
    const witness = start(process.execPath, [HOTLINE_BIN, 'witness', '--data', join(dir, 'witness'), '--listen', '127.0.0.1:0', '--log', logKey]);
    try {
      await waitFor(relay, /relay listening on http:\/\/127\.0\.0\.1:\d+/, 15_000);
      await waitFor(witness, /witness listening on http:\/\/127\.0\.0\.1:\d+/, 15_000);
      relay.child.kill(signal);
      witness.child.kill(signal);
      assert.deepEqual(await exitWithin(relay, 10_000), { code: 0, signal: null }, relay.out());
      assert.deepEqual(await exitWithin(witness, 10_000), { code: 0, signal: null }, witness.out());
      assert.match(relay.out(), /"msg":"relay stopped"/, 'the relay closed (final checkpoint) rather than dying');
    } finally {
      cleanUp(dir, relay, witness);
    }
  });
}

test('node_modules/.bin/hotline relay, as the README starts servers, closes on SIGTERM and exits 0', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-signals-bin-'));
  // The shim imports the CLI in its own process: the signal reaches the relay, with no parent to forward it.
  const relay = start(join(ROOT, 'node_modules', '.bin', 'hotline'), ['relay', '--data', join(dir, 'relay'), '--listen', '127.0.0.1:0']);
  try {
    await waitFor(relay, /relay listening on http:\/\/127\.0\.0\.1:\d+/, 15_000);
    assert.deepEqual(childrenOf(relay.child.pid!), [], 'no child process between the signal and the relay');
    relay.child.kill('SIGTERM');
    assert.deepEqual(await exitWithin(relay, 10_000), { code: 0, signal: null }, relay.out());
    assert.match(relay.out(), /"msg":"relay stopped"/);
  } finally {
    cleanUp(dir, relay);
  }
});

test('through npm run hotline, npm forwards SIGTERM to the relay itself, which exits', { timeout: 30_000, skip: !existsSync('/proc/self/task') && 'needs /proc to find npm\'s child' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-signals-npm-'));
  const npm = start(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '-s', 'hotline', '--', 'relay', '--data', join(dir, 'relay'), '--listen', '127.0.0.1:0']);
  let descendants: number[] = [];
  try {
    await waitFor(npm, /relay listening on http:\/\/127\.0\.0\.1:\d+/, 20_000);
    // npm's child is the relay itself (the script execs node): no shell in between to swallow the signal.
    descendants = childrenOf(npm.child.pid!).flatMap((pid) => [pid, ...childrenOf(pid)]);
    assert.ok(descendants.length > 0, 'found npm\'s child');
    npm.child.kill('SIGTERM');
    await exitWithin(npm, 10_000);
    await assertAllGone(descendants);
  } finally {
    for (const pid of descendants.filter(alive)) process.kill(pid, 'SIGKILL');
    cleanUp(dir, npm);
  }
});

/** The PIDs the demo prints for its relay and witnesses, and any other child it has now. */
function demoServers(demo: Started): number[] {
  const printed = [...demo.out().matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
  return [...new Set([...printed, ...childrenOf(demo.child.pid!)])];
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`hotline demo stopped by ${signal} while it sets up stops its relay and witnesses`, { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-signals-demo-'));
    const demo = start(process.execPath, [HOTLINE_BIN, 'demo', '--dir', join(dir, 'demo')]);
    let servers: number[] = [];
    try {
      // Step 2 prints the servers' PIDs; step 3 (devices registering) is under way after it.
      await waitFor(demo, /^3\. /m, 30_000);
      servers = demoServers(demo);
      assert.equal(servers.filter((pid) => /\(pid \d+\)/.test(demo.out()) && alive(pid)).length >= 3, true, `relay and two witnesses running: ${servers}\n${demo.out()}`);
      demo.child.kill(signal);
      const exit = await exitWithin(demo, 15_000);
      assert.deepEqual(exit, { code: 0, signal: null }, demo.out());
      await assertAllGone(servers);
      assert.match(demo.out(), /stopped the relay and the witnesses/);
    } finally {
      for (const pid of servers.filter(alive)) process.kill(pid, 'SIGKILL');
      cleanUp(dir, demo);
    }
  });
}

test('hotline demo --exit stops its servers when it is done, and says so', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-signals-exit-'));
  const demo = start(process.execPath, [HOTLINE_BIN, 'demo', '--dir', join(dir, 'demo'), '--exit']);
  let servers: number[] = [];
  try {
    await waitFor(demo, /^2\. .*\(pid \d+\)/m, 30_000);
    await waitFor(demo, /\(pid \d+\)\n.*\(pid \d+\)\n/, 5_000);
    servers = demoServers(demo);
    const exit = await exitWithin(demo, 90_000);
    assert.deepEqual(exit, { code: 0, signal: null }, demo.out());
    await assertAllGone(servers);
    assert.doesNotMatch(demo.out(), /keep running here|Ctrl-C here stops/, '--exit does not claim the servers keep running');
    assert.match(demo.out(), /this run stops them now/);
    assert.match(demo.out(), /stopped the relay and the witnesses/);
  } finally {
    for (const pid of servers.filter(alive)) process.kill(pid, 'SIGKILL');
    cleanUp(dir, demo);
  }
});
