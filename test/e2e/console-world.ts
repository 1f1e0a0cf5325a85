/**
 * The demo's two-party world (apps/cli/src/demo/world.ts: relay and a witness per party as
 * processes, Washington's principal, operator and deputy, Moscow's principal and operator, the
 * washington-moscow channel and Washington's internal channel for the two-person rule), every
 * process on one clock offset file the test moves, and `hotline terminal --console
 * 127.0.0.1:0` running as a real process for each home that needs a console, with a session
 * URL from `hotline console` — the way a duty officer gets one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOCK_OFFSET_ENV } from '@hotline/node-files/clock';
import { buildWorld, type World } from '@hotline/cli/dist/src/demo/world.js';
import { hotline, sleep } from './helpers.js';
import { HOTLINE_BIN, kill, type HotlineProcess } from './processes.js';
import { startService, type Service } from './services.js';

export type ConsoleHome = 'washington-principal' | 'washington-operator' | 'washington-deputy' | 'moscow-principal';

export interface Console {
  readonly home: string;
  readonly service: Service;
  /** What `hotline console` printed: http://127.0.0.1:PORT/?token=T. */
  readonly sessionUrl: string;
  readonly origin: string;
  readonly token: string;
  /** GET path with `Authorization: Bearer`, as a tool would: the JSON answer. */
  api<T = unknown>(path: string): Promise<T>;
}

export interface ConsoleWorld {
  readonly world: World;
  readonly consoles: Record<ConsoleHome, Console>;
  /** The offset (ms) every process adds to its real clock now. */
  offset(): number;
  /** Sets the offset; every process re-reads the file within 50 ms (node-files/clock.ts). */
  setOffset(ms: number): void;
  /** For each console's terminal that is no longer running: its exit and the end of its log. */
  exited(): string[];
  close(): Promise<void>;
}

export const CONSOLE_HOMES: readonly ConsoleHome[] = ['washington-principal', 'washington-operator', 'washington-deputy', 'moscow-principal'];

async function startConsole(home: string): Promise<Console> {
  const service = await startService(home, ['--console', '127.0.0.1:0']);
  const printed = await hotline('console', '--home', home);
  assert.equal(printed.code, 0, `hotline console: ${printed.err}`);
  const m = /^console: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([0-9a-f]{64})$/m.exec(printed.out);
  assert.ok(m, `hotline console prints the session URL: ${printed.out}`);
  const [sessionUrl, origin, , token] = [m[0].slice('console: '.length), m[1]!, m[2]!, m[3]!];
  return {
    home,
    service,
    sessionUrl,
    origin,
    token,
    async api<T>(path: string): Promise<T> {
      const res = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
      assert.equal(res.status, 200, `GET ${path}: ${res.status} ${await res.clone().text()}`);
      return (await res.json()) as T;
    },
  };
}

export async function consoleWorld(): Promise<ConsoleWorld> {
  const base = mkdtempSync(join(tmpdir(), 'hotline-console-'));
  const clockFile = join(base, 'clock-offset');
  writeFileSync(clockFile, '0\n');
  // Before any process starts: relay, witnesses and terminals all inherit it.
  process.env[CLOCK_OFFSET_ENV] = clockFile;
  const servers: HotlineProcess[] = [];
  const services: Service[] = [];
  const close = async () => {
    for (const s of services.reverse()) await s.stop();
    for (const p of servers.reverse()) await kill(p, 'SIGTERM');
    delete process.env[CLOCK_OFFSET_ENV];
    rmSync(base, { recursive: true, force: true });
  };
  try {
    const world = await buildWorld(join(base, 'world'), HOTLINE_BIN, () => undefined, (p) => servers.push(p));
    const consoles = {} as Record<ConsoleHome, Console>;
    for (const home of CONSOLE_HOMES) {
      const c = await startConsole(world.home(home));
      services.push(c.service);
      consoles[home] = c;
    }
    return {
      world,
      consoles,
      offset: () => Number(readFileSync(clockFile, 'utf8').trim()),
      // Written aside and renamed over: a process reading the file mid-write would see it empty,
      // which the clock rightly refuses as malformed (and the terminal stops).
      setOffset: (ms) => {
        writeFileSync(`${clockFile}.new`, `${Math.round(ms)}\n`);
        renameSync(`${clockFile}.new`, clockFile);
      },
      exited: () =>
        CONSOLE_HOMES.flatMap((home) => {
          const child = consoles[home].service.child;
          return child.exitCode === null && child.signalCode === null ? [] : [`${home}'s terminal exited (${child.exitCode ?? child.signalCode}):\n${consoles[home].service.log().slice(-4000)}`];
        }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits for the clock file to have been re-read by every process (node-files/clock.ts: 50 ms). */
export const clockSettled = () => sleep(80);
