/**
 * The running terminal's local socket on its own: where it lives (and its fallback for a home
 * too deep for a socket path), who may reach it, what it answers, and how a forwarded command
 * starts, streams, stops and ends — with a real HTTP server on a real Unix socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forwardCommand, LocalSocketServer, localSocketPath, SocketPathError, TerminalAlreadyRunning, TerminalVanished, type CommandOutput, type CommandRunner } from '../src/index.js';

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-sock-'));
  chmodSync(dir, 0o700);
  return dir;
}

function collect(): CommandOutput & { out_: string[]; err_: string[]; hooks: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  const hooks: string[] = [];
  return { out_, err_, hooks, out: (l) => out_.push(l), err: (l) => err_.push(l), hook: (c) => hooks.push(c) };
}

function get(path: string, url: string, method = 'GET', body?: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: path, path: url, method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const echo: CommandRunner = async (command, output) => {
  output.out(`argv ${command.argv.join(' ')}`);
  output.err(`cwd ${command.cwd}`);
  if (command.stdin !== undefined) output.out(`stdin ${command.stdin}`);
  output.hook('printf alarm', { HOTLINE_ALARM_CODE: 'ack_overdue' });
  return 3;
};

function server(path: string, runCommand: CommandRunner = echo): Promise<LocalSocketServer> {
  return LocalSocketServer.start(path, { runCommand, health: () => ({ ok: true, party: 'washington' }), metrics: () => '# TYPE x counter\nx_total 1\n# EOF\n' });
}

test('the socket is <home>/terminal.sock, 0600; a home too deep for a socket path gets a short one in a 0700 per-user directory', async () => {
  const home = scratch();
  const tmp = scratch();
  try {
    assert.equal(localSocketPath(home), join(home, 'terminal.sock'));
    const s = await server(localSocketPath(home));
    assert.equal(statSync(s.path).mode & 0o777, 0o600);
    await s.close();
    const deep = join(home, 'a'.repeat(60), 'b'.repeat(60));
    mkdirSync(deep, { recursive: true, mode: 0o700 });
    const fallback = localSocketPath(deep, { prepare: true, tmp });
    assert.ok(Buffer.byteLength(fallback) <= 107, fallback);
    assert.ok(fallback.startsWith(join(tmp, `hotline-${process.getuid!()}`)));
    assert.equal(statSync(join(tmp, `hotline-${process.getuid!()}`)).mode & 0o777, 0o700);
    assert.equal(localSocketPath(deep, { tmp }), fallback, 'a command finds the same path with no pointer file');
    assert.equal(localSocketPath(join(home, 'a'.repeat(60), '..', 'a'.repeat(60), 'b'.repeat(60)), { tmp }), fallback, 'named by the real path');
    const s2 = await server(fallback);
    assert.equal((await get(fallback, '/healthz')).status, 200);
    await s2.close();
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a fallback directory someone else could use is refused: open to others, or not a directory', () => {
  const home = scratch();
  const tmp = scratch();
  try {
    const deep = join(home, 'c'.repeat(120));
    mkdirSync(deep, { mode: 0o700 });
    const dir = join(tmp, `hotline-${process.getuid!()}`);
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o777);
    assert.throws(() => localSocketPath(deep, { tmp }), (e: unknown) => e instanceof SocketPathError && /open to other users/.test(e.message));
    rmSync(dir, { recursive: true });
    symlinkSync(tmpdir(), dir);
    assert.throws(() => localSocketPath(deep, { prepare: true, tmp }), (e: unknown) => e instanceof SocketPathError && /not a directory/.test(e.message));
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('/healthz and /metrics answer; anything else is 404 or 405; a bad command body is 400 (413 if too large) and runs nothing', async () => {
  const home = scratch();
  let ran = 0;
  const s = await server(join(home, 'terminal.sock'), async () => ++ran);
  try {
    const health = await get(s.path, '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body), { ok: true, party: 'washington' });
    const metrics = await get(s.path, '/metrics');
    assert.match(metrics.type, /^application\/openmetrics-text/);
    assert.match(metrics.body, /# EOF\n$/);
    assert.equal((await get(s.path, '/nothing')).status, 404);
    assert.equal((await get(s.path, '/healthz', 'POST')).status, 405);
    for (const body of ['not json', '[]', '{"argv":"send","home":"/h","cwd":"/"}', '{"argv":[1],"home":"/h","cwd":"/"}', '{"argv":[],"home":1,"cwd":"/"}', '{"argv":[],"home":"/h","cwd":"/","stdin":7}', 'x'.repeat((1 << 20) + 1)]) {
      const r = await get(s.path, '/v1/commands', 'POST', body);
      assert.equal(r.status, body.length > 1 << 20 ? 413 : 400, body.slice(0, 40));
      assert.ok(JSON.parse(r.body).error, 'says what is wrong');
    }
    assert.equal(ran, 0, 'nothing ran');
  } finally {
    await s.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a forwarded command streams its output, its hooks and its exit status; stdin and cwd travel with it', async () => {
  const home = scratch();
  const s = await server(join(home, 'terminal.sock'));
  try {
    const out = collect();
    const exit = await forwardCommand(s.path, { argv: ['send', 'chan'], home, cwd: '/somewhere', stdin: 'text from stdin' }, out);
    assert.equal(exit, 3);
    assert.deepEqual(out.out_, ['argv send chan', 'stdin text from stdin']);
    assert.deepEqual(out.err_, ['cwd /somewhere']);
    assert.deepEqual(out.hooks, ['printf alarm']);
  } finally {
    await s.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('no service: nothing listens, or a dead one left its socket file — the command runs in its own process', async () => {
  const home = scratch();
  try {
    const path = join(home, 'terminal.sock');
    assert.equal(await forwardCommand(path, { argv: ['status'], home, cwd: home }, collect()), undefined, 'no socket file');
    const s = await server(path);
    const { server: raw } = s as unknown as { server: { close(): void; closeAllConnections(): void } };
    raw.close(); // stops listening but leaves the file, as a SIGKILLed terminal does
    writeFileSync(join(home, 'marker'), '');
    assert.equal(await forwardCommand(path, { argv: ['status'], home, cwd: home }, collect()), undefined, 'a socket nobody listens on');
    const again = await server(path); // the next terminal replaces the dead one's socket file
    assert.equal((await get(path, '/healthz')).status, 200);
    await assert.rejects(server(path), (e: unknown) => e instanceof TerminalAlreadyRunning, 'but never a live one');
    assert.equal((await get(path, '/healthz')).status, 200, 'the live one still answers');
    await again.close();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a long-running command stops when asked, or when its command goes away; a service that dies mid-command is named', async () => {
  const home = scratch();
  let aborted = 0;
  const untilStopped: CommandRunner = (_c, output, signal) => {
    output.out('started');
    return new Promise((resolve) => signal.addEventListener('abort', () => {
      aborted++;
      resolve(0);
    }));
  };
  const s = await server(join(home, 'terminal.sock'), untilStopped);
  try {
    let stop!: () => void;
    const stopRequested = new Promise<void>((r) => (stop = r));
    const out = collect();
    const running = forwardCommand(s.path, { argv: ['watch', 'chan'], home, cwd: home }, out, { stopRequested });
    while (out.out_.length === 0) await new Promise((r) => setTimeout(r, 10));
    stop();
    assert.equal(await running, 0, 'stopped, with its exit status');
    assert.equal(aborted, 1);
  } finally {
    await s.close();
  }
  // The service's connections drop mid-command, as when its process dies.
  const dying = await server(join(home, 'terminal.sock'), (_c, output, signal) => {
    output.out('about to vanish');
    setTimeout(() => (dying as unknown as { server: { closeAllConnections(): void } }).server.closeAllConnections(), 20);
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(0)));
  });
  try {
    await assert.rejects(forwardCommand(dying.path, { argv: ['send', 'c', 'x'], home, cwd: home }, collect()), TerminalVanished);
  } finally {
    await dying.close();
    rmSync(home, { recursive: true, force: true });
  }
});
