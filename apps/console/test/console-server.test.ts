/**
 * The console server's own guarantees (docs/spec/console-api.md §1–3), over real HTTP on
 * 127.0.0.1: no session, no answer (the page's files included); a foreign Host or Origin is
 * refused; the token becomes a cookie and leaves the URL; the event stream replays from
 * Last-Event-ID over a real change feed (SQLite) and loses nothing across 20 reconnects; a bad
 * command body is refused before anything runs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Archive } from '@hotline/terminal';
import { ConsoleServer, type CommandOutcome, type ConsoleBackend } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'console-server-'));
const pageDir = join(dir, 'web');
mkdirSync(join(pageDir, 'assets'), { recursive: true });
writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>Hotline</title><script type="module" src="/assets/app.js"></script>');
writeFileSync(join(pageDir, 'assets', 'app.js'), 'console.log("page")');
const archive = new Archive(join(dir, 'terminal.db'));
const ran: (readonly string[])[] = [];
let language: 'en' | 'ru' = 'en';

const backend: ConsoleBackend = {
  settled: async () => undefined,
  session: () => ({ party: 'washington', member: 'principal', roles: ['principal'], device: '00'.repeat(32), language, now: Date.now(), relay: 'http://127.0.0.1:1', feed: archive.feed.last(), channels: [{ id: 'ab'.repeat(16), name: 'hotline', internal: false }] }),
  board: () => ({ channels: [] }),
  transcript: (channel) => (channel === 'hotline' ? { channel: 'ab'.repeat(16), entries: [], more: false } : undefined),
  evidence: () => undefined,
  channelName: (c) => (c === 'hotline' || c === 'ab'.repeat(16) ? 'hotline' : undefined),
  feedAfter: (cursor, limit) => archive.feed.after(cursor, limit),
  feedLast: () => archive.feed.last(),
  eventDetail: () => ({}),
  onFeed: (l) => archive.feed.onAppend(l),
  run: async (argv): Promise<CommandOutcome> => {
    ran.push(argv);
    // export and render write the file named after --out, --html or --pdf, as the real commands do.
    const out = argv.findIndex((a) => a === '--out' || a === '--html' || a === '--pdf');
    if (out >= 0) writeFileSync(argv[out + 1]!, `${argv[0]} ${argv[out]}`);
    if (argv[0] === 'export') return { exit: 0, out: ['{"statements":3}'], err: [] };
    return argv[0] === 'ack' ? { exit: 1, out: [], err: ['hotline: no message 12345678 in hotline'] } : { exit: 0, out: ['{"seq":3}'], err: [] };
  },
  markShown: async () => 0,
  setLanguage: (l) => (language = l),
  exportsDir: join(dir, 'exports'),
};

let server: ConsoleServer;
let token: string;
before(async () => {
  server = await ConsoleServer.start({ backend, port: 0, pageDir, howToGetSession: 'hotline console --home H' });
  token = new URL(server.newSessionUrl()).searchParams.get('token')!;
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${server.port}`, ...options.headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = () => ({ authorization: `Bearer ${token}` });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, { method: 'POST', body: JSON.stringify(body), headers: { ...auth(), origin: `http://127.0.0.1:${server.port}`, 'content-type': 'application/json', ...headers } });

test('without a session every path is 401, with no redirect: the page, its files, the API, the stream', async () => {
  for (const path of ['/', '/assets/app.js', '/api/session', '/api/board', '/api/events', '/index.html', '/?token=' + '0'.repeat(64)]) {
    const r = await call(path);
    assert.equal(r.status, 401, path);
    assert.equal(r.headers['location'], undefined, path);
    assert.match(r.body, /hotline console --home H/);
    assert.match(String(r.headers['content-security-policy']), /script-src 'self'/);
  }
  assert.equal((await call('/api/board', { headers: { authorization: `Bearer ${'f'.repeat(64)}` } })).status, 401);
  assert.equal((await call('/api/board', { headers: { cookie: `hotline_console_${server.port}=${token.slice(0, 63)}x` } })).status, 401);
  assert.equal((await call('/api/board', { headers: { cookie: `hotline_console_${server.port + 1}=${token}` } })).status, 401, 'another console\'s cookie name opens nothing here');
});

test('a foreign Host is refused before anything else, with or without a session (DNS rebinding)', async () => {
  for (const host of ['evil.example:' + String(server.port), `127.0.0.1:${server.port + 1}`, 'localhost', '127.0.0.1']) {
    const r = await call('/api/board', { headers: { host, ...auth() } });
    assert.equal(r.status, 421, `Host ${JSON.stringify(host)}: ${r.status}`);
  }
  assert.equal((await call('/api/board', { headers: { host: `localhost:${server.port}`, ...auth() } })).status, 200);
});

test('the token is traded for an HttpOnly SameSite=Strict cookie and leaves the URL', async () => {
  const r = await call(`/?token=${token}`);
  assert.equal(r.status, 303);
  assert.equal(r.headers['location'], '/');
  const cookie = String(r.headers['set-cookie']);
  assert.match(cookie, new RegExp(`^hotline_console_${server.port}=${token}; HttpOnly; SameSite=Strict; Path=/`), 'the port in the name: two consoles in one browser keep their own sessions');
  const page = await call('/', { headers: { cookie: `hotline_console_${server.port}=${token}` } });
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>Hotline<\/title>/);
  assert.equal(page.headers['content-security-policy'], "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; media-src 'self' data:; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal((await call('/assets/app.js', { headers: auth() })).headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal((await call('/assets/../../terminal.db', { headers: auth() })).status, 404);
  assert.equal((await call('/%2e%2e/terminal.db', { headers: auth() })).status, 404);
});

test('a POST needs this console\'s Origin and a JSON body; a refused one runs nothing', async () => {
  const before = ran.length;
  const body = { channel: 'hotline', text: 'hello', precedence: 'routine', language: 'en' };
  assert.equal((await post('/api/commands/send', body, { origin: 'http://evil.example' })).status, 403);
  assert.equal((await post('/api/commands/send', body, { origin: `http://127.0.0.1:${server.port + 1}` })).status, 403);
  const noOrigin = await call('/api/commands/send', { method: 'POST', body: JSON.stringify(body), headers: { ...auth(), 'content-type': 'application/json' } });
  assert.equal(noOrigin.status, 403);
  assert.equal((await post('/api/commands/send', body, { 'content-type': 'text/plain' })).status, 403);
  const noSession = await call('/api/commands/send', { method: 'POST', body: JSON.stringify(body), headers: { origin: `http://127.0.0.1:${server.port}`, 'content-type': 'application/json' } });
  assert.equal(noSession.status, 401);
  assert.equal(ran.length, before, 'nothing ran');
});

test('command bodies are checked field by field, and become the CLI command line', async () => {
  const bad: [string, unknown, RegExp][] = [
    ['send', { channel: 'hotline', text: 'x', precedence: 'urgent' }, /precedence must be one of/],
    ['send', { channel: 'nowhere', text: 'x', precedence: 'flash' }, /channel must name/],
    ['send', { channel: 'hotline', text: '', precedence: 'flash' }, /text must be a non-empty string/],
    ['send', { channel: 'hotline', text: 'x', precedence: 'flash', language: 'en; rm -rf' }, /BCP 47/],
    ['ack', { channel: 'hotline', id: '--home=/etc' }, /statement id/],
    ['approve', { draft: 'zz' }, /statement id/],
    ['read', { channel: 'hotline', seqs: [0] }, /positive whole numbers/],
    ['nope', {}, /no console command/],
  ];
  const before = ran.length;
  for (const [name, body, error] of bad) {
    const r = await post(`/api/commands/${name}`, body);
    assert.ok(r.status === 400 || r.status === 404, `${name}: ${r.status}`);
    assert.match(JSON.parse(r.body).error, error);
  }
  assert.equal(ran.length, before, 'nothing ran');
  const sent = await post('/api/commands/send', { channel: 'ab'.repeat(16), text: '--- STOP ---', precedence: 'flash', language: 'ru', replyTo: 'abcdef12' });
  assert.equal(sent.status, 200);
  assert.deepEqual(JSON.parse(sent.body), { exit: 0, result: { seq: 3 } });
  assert.deepEqual(ran.at(-1), ['send', 'hotline', '--precedence', 'flash', '--language', 'ru', '--reply-to', 'abcdef12', '--json', '--', '--- STOP ---']);
  const refused = await post('/api/commands/ack', { channel: 'hotline', id: '12345678' });
  assert.equal(refused.status, 422);
  assert.deepEqual(JSON.parse(refused.body), { exit: 1, error: 'no message 12345678 in hotline', code: 'refused' });
  assert.equal((await post('/api/preferences', { language: 'ru' })).status, 200);
  assert.equal(JSON.parse((await call('/api/session', { headers: auth() })).body).language, 'ru');
  assert.equal((await post('/api/preferences', { language: 'fr' })).status, 400);
});

/** Reads an SSE stream until `count` events arrived; returns their ids. */
function readEvents(headers: Record<string, string>, count: number, query = ''): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const ids: number[] = [];
    const req = request({ host: '127.0.0.1', port: server.port, path: `/api/events${query}`, headers: { host: `127.0.0.1:${server.port}`, ...auth(), ...headers }, agent: false }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffered += c;
        for (const m of buffered.matchAll(/^id: (\d+)$/gm)) ids.push(Number(m[1]));
        buffered = buffered.slice(buffered.lastIndexOf('\n\n') + 2);
        if (ids.length >= count) {
          req.destroy();
          resolve(ids.slice(0, count));
        }
      });
    });
    req.on('error', (e) => (ids.length >= count ? undefined : reject(e)));
    req.end();
  });
}

test('the event stream replays after Last-Event-ID and follows the feed: 20 reconnects lose and repeat nothing', async () => {
  const start = archive.feed.last();
  let n = 0;
  const produce = setInterval(() => archive.alert(undefined, { code: 'test_event', message: `event ${n++}` }), 5);
  try {
    const seen: number[] = [];
    let last = start;
    for (let i = 0; i < 20; i++) {
      const ids = await readEvents({ 'last-event-id': String(last) }, 3);
      seen.push(...ids);
      last = ids.at(-1)!;
    }
    assert.equal(seen.length, 60);
    assert.deepEqual(seen, Array.from({ length: 60 }, (_, i) => start + 1 + i), 'every id, in order, once');
  } finally {
    clearInterval(produce);
  }
  const fromQuery = await readEvents({}, 1, `?after=${start}`);
  assert.deepEqual(fromQuery, [start + 1]);
  assert.equal((await call('/api/events?after=abc', { headers: auth() })).status, 400);
});

test('export writes the bundle and both renderings into the home, and serves only what it wrote', async () => {
  const r = await post('/api/commands/export', { channel: 'hotline' });
  assert.equal(r.status, 200, r.body);
  const answer = JSON.parse(r.body) as { result: { statements: number }; files: { bundle: string; html: string; pdf: string } };
  assert.equal(answer.result.statements, 3);
  assert.deepEqual(ran.slice(-3).map((a) => [a[0], a.find((x) => x.startsWith('--') && x !== '--json')]), [['export', '--out'], ['render', '--html'], ['render', '--pdf']]);
  for (const [kind, name] of Object.entries(answer.files)) {
    const got = await call(`/api/exports/${name}`, { headers: auth() });
    assert.equal(got.status, 200, kind);
    assert.match(String(got.headers['content-disposition']), new RegExp(`^attachment; filename="${name.replace(/\./g, '\\.')}"$`));
  }
  assert.equal((await call('/api/exports/terminal.db', { headers: auth() })).status, 404);
  assert.equal((await call('/api/exports/..%2Fterminal.db', { headers: auth() })).status, 404);
  assert.equal((await call(`/api/exports/${answer.files.pdf}`)).status, 401, 'no session, no download');
});
