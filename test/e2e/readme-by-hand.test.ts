/**
 * The README's "By hand" section, run exactly as written (issue 11, item 7): its fenced `sh`
 * blocks are read from README.md at test time — so an edit to the README is what gets tested —
 * and run in order by one bash, in a fresh directory, as a newcomer pastes them into one shell.
 *
 * The README says to run them from the clone's root after `npm ci`; what they use of it is
 * `node_modules` (for `node_modules/.bin/hotline` and `npx hotline`), so the fresh directory
 * holds a symlink to this checkout's node_modules and nothing else, and everything the commands
 * write lands under it. The environment adds only the port variables the README offers for busy
 * ports (free ones, so that runs on one machine do not collide), and `npm_config_yes=false`, so
 * that npx fails instead of fetching some registry package called hotline if this checkout's did
 * not resolve. Then: the message arrives verified at the other party, both terminals are running,
 * and a SIGTERM to each server the README started (by PID, from the shell's own job table) stops
 * it with exit 0. Bounded in time; on any failure the whole process group is killed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive } from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SERVER_FORM = 'node_modules/.bin/hotline';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The text of README.md's "### By hand" section, up to the next heading of its level or above. */
function byHandSection(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const heading = '\n### By hand\n';
  const start = readme.indexOf(heading);
  assert.ok(start >= 0, 'README.md has a "### By hand" section');
  const rest = readme.slice(start + heading.length);
  const end = rest.search(/^#{1,3} /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Its fenced sh blocks, verbatim, in order. */
function shBlocks(section: string): string[] {
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

interface ServerLine {
  readonly subcommand: string;
  /** `--data DIR` or `--home DIR`: which server this is. */
  readonly where: string;
}

/**
 * The README's server commands, checked against the rule: servers run as
 * node_modules/.bin/hotline in the background, one-shot commands as npx hotline.
 */
function serverLines(script: string): ServerLine[] {
  const lines = script.split('\n');
  const servers = lines.filter((l) => l.startsWith(SERVER_FORM));
  for (const line of servers) {
    assert.match(line, /^node_modules\/\.bin\/hotline (relay|witness|terminal) .*&$/, `a server, in the background: ${line}`);
    assert.doesNotMatch(line, /--print-key/, `a one-shot command is npx hotline: ${line}`);
  }
  for (const line of lines.filter((l) => /\bhotline (relay|witness|terminal)\b/.test(l) && !l.startsWith(SERVER_FORM))) {
    assert.match(line, /npx hotline (relay|witness) .*--print-key/, `a server is started as ${SERVER_FORM}: ${line}`);
  }
  assert.ok(lines.every((l) => !/\bnpm run\b/.test(l)), 'no npm process between a signal and a server');
  return servers.map((line) => {
    const m = /^node_modules\/\.bin\/hotline (\S+) (--data|--home) (\S+)/.exec(line);
    assert.ok(m !== null, `a server line names its --data or --home first: ${line}`);
    return { subcommand: m[1]!, where: `${m[2]} ${m[3]}` };
  });
}

/** The README's message: `npx hotline send CHANNEL "TEXT" --precedence P --home by-hand/PARTY`. */
function sentMessage(script: string): { text: string; precedence: string; party: string } {
  const m = /^npx hotline send \S+ "([^"]+)" --precedence (\w+) --home by-hand\/(\w+)$/m.exec(script);
  assert.ok(m !== null, 'the README sends a message the test can look for');
  return { text: m[1]!, precedence: m[2]!, party: m[3]! };
}

async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
      servers.push(server);
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/** The environment a newcomer's shell has: no npm run-script variables, no HOTLINE_* of ours. */
function newcomerEnv(ports: number[]): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('HOTLINE_')));
  return { ...env, npm_config_yes: 'false', RELAY_PORT: String(ports[0]), WASHINGTON_WITNESS_PORT: String(ports[1]), MOSCOW_WITNESS_PORT: String(ports[2]) };
}

/**
 * Sources the README's commands (stopping at the first that fails, and then SIGTERMing what it
 * started), prints the job table's PIDs, then waits for each job and prints its exit status.
 */
const WRAPPER = `set -ex
trap 'status=$?; kill $(jobs -p) 2>/dev/null || :; exit $status' EXIT
. "$1"
echo "@@jobs $(jobs -p | tr '\\n' ' ')"
for pid in $(jobs -p); do status=0; wait "$pid" || status=$?; echo "@@exit $pid $status"; done
`;

function argvOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
}

test("the README's By hand commands, as written: two parties, a verified message, and each server stops on SIGTERM", { timeout: 180_000, skip: process.platform !== 'linux' && 'reads /proc for the servers\' command lines' }, async () => {
  const script = shBlocks(byHandSection()).join('\n');
  const expected = serverLines(script);
  assert.deepEqual(expected.map((s) => s.subcommand).sort(), ['relay', 'terminal', 'terminal', 'witness', 'witness'], 'a relay, a witness per party, a terminal per device');
  const message = sentMessage(script);

  const dir = mkdtempSync(join(tmpdir(), 'hotline-readme-'));
  const clone = join(dir, 'clone');
  mkdirSync(clone);
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  writeFileSync(join(dir, 'by-hand.sh'), script);
  const shell = spawn('bash', ['-c', WRAPPER, 'bash', join(dir, 'by-hand.sh')], { cwd: clone, env: newcomerEnv(await freePorts(3)), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
  shell.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // 'close': bash has exited and every holder of its stdout (the jobs too) has closed it, so all it printed is in.
  const closed = new Promise<number | null>((resolve) => shell.once('close', resolve));
  const transcript = () => `--- stdout\n${out}\n--- stderr (bash -x)\n${err.slice(-6000)}`;
  const waitFor = async (what: RegExp, ms: number, doing: string) => {
    const deadline = Date.now() + ms;
    while (!what.test(out)) {
      assert.equal(shell.exitCode, null, `bash stopped while ${doing}:\n${transcript()}`);
      assert.ok(Date.now() < deadline, `${doing}: nothing matching ${what} within ${ms} ms:\n${transcript()}`);
      await sleep(100);
    }
  };
  let pids: number[] = [];
  try {
    await waitFor(/^@@jobs /m, 150_000, 'running the README\'s commands');
    pids = /^@@jobs ([\d ]*)$/m.exec(out)![1]!.trim().split(' ').map(Number);
    assert.equal(pids.length, expected.length, `one job per server line:\n${transcript()}`);
    // The job table is in start order, as the README's lines are: each PID is that very server.
    pids.forEach((pid, i) => {
      const argv = argvOf(pid);
      assert.equal(argv[1], SERVER_FORM, `job ${pid} is node running ${SERVER_FORM} itself, no npm or shell between: ${argv.join(' ')}`);
      assert.equal(argv.slice(2, 5).join(' '), `${expected[i]!.subcommand} ${expected[i]!.where}`, `job ${pid} is the README's ${expected[i]!.subcommand} ${expected[i]!.where}`);
    });

    assert.match(out, /^sent to hotline: seq \d+, log index \d+, statement [0-9a-f]{64}$/m, 'the relay receipted the message');
    const verified = new RegExp(`^#\\d+  \\S+ \\S+Z  [0-9a-f]{12}  ${message.party} / Duty Officer  \\[${message.precedence.toUpperCase()}\\]  ${message.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');
    assert.match(out, verified, `the other party's watch shows the message, verified:\n${transcript()}`);
    assert.doesNotMatch(out, /!! ALERT/, 'nothing failed to verify');
    await waitFor(new RegExp(`^hotline: ${message.precedence} from ${message.party} / Duty Officer on hotline #\\d+$`, 'm'), 20_000, 'waiting for Moscow\'s --on-message hook');
    const terminals = pids.filter((_, i) => expected[i]!.subcommand === 'terminal');
    assert.ok(terminals.every(alive), 'both terminals are running');

    for (const pid of pids) process.kill(pid, 'SIGTERM');
    const code = await Promise.race([closed, sleep(30_000).then(() => 'still running' as const)]);
    assert.notEqual(code, 'still running', `the servers did not all stop within 30 s of SIGTERM:\n${transcript()}`);
    for (const pid of pids) assert.match(out, new RegExp(`^@@exit ${pid} 0$`, 'm'), `the server ${pid} exited 0 on SIGTERM:\n${transcript()}`);
    assert.equal(code, 0, transcript());
  } finally {
    try {
      process.kill(-shell.pid!, 'SIGKILL'); // whatever is left of bash and the jobs it started: one process group
    } catch {
      // the group is gone: everything stopped
    }
    for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
