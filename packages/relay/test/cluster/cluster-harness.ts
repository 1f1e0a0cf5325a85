/**
 * Three `hotline relay` processes over one PostgreSQL database of the test's own, a NATS server
 * the test starts itself on a free port (never the machine's), and two `hotline witness`
 * processes — each a real process, stopped by its own PID. The log key is created by the first
 * node's `--print-key` and copied into the other nodes' data directories, as an operator would.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { spawnHotlineProcess, spawnRelayProcess, stopRelayProcess, type HotlineProcess, type RelayProcess } from '../../src/child.js';
import { LOG_KEY_FILE } from '../../src/index.js';
import { MOSCOW, WASHINGTON } from '../fixtures.js';
import { freshPostgresDatabase } from '../storage/postgres-databases.js';

export const HOTLINE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', 'apps', 'cli', 'dist', 'src', 'bin.js');
export const NATS_SERVER = '/usr/sbin/nats-server';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A NATS server of the test's own: JetStream on, its store in a temporary directory. */
export class TestNats {
  private constructor(
    readonly url: string,
    readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  /** On `port` (default: a free one). */
  static async start(port?: number): Promise<TestNats> {
    port ??= await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'hotline-cluster-nats-'));
    const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nats-server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return new TestNats(`nats://127.0.0.1:${port}`, child, dir);
  }

  /** Stops this server (by its PID), waiting for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface ClusterOptions {
  readonly nodes?: number;
  readonly nats: boolean;
}

export class TestCluster {
  readonly nodes: (RelayProcess | undefined)[] = [];
  private readonly dirs: string[] = [];

  private constructor(
    readonly db: { readonly url: string; remove(): Promise<void> },
    readonly nats: TestNats | undefined,
    readonly logKey: string,
    readonly witnesses: HotlineProcess[],
    private readonly nodeArgs: (i: number) => string[],
    nodeDirs: string[],
    private readonly extraDirs: string[],
  ) {
    this.dirs = nodeDirs;
  }

  static async start(options: ClusterOptions): Promise<TestCluster> {
    const count = options.nodes ?? 3;
    const db = await freshPostgresDatabase();
    const nats = options.nats ? await TestNats.start() : undefined;
    const dirs = Array.from({ length: count }, (_, i) => mkdtempSync(join(tmpdir(), `hotline-cluster-node${i}-`)));
    const witnessDirs = [0, 1].map((i) => mkdtempSync(join(tmpdir(), `hotline-cluster-witness${i}-`)));
    const printed = execFileSync(process.execPath, [HOTLINE_BIN, 'relay', '--print-key', '--json', '--data', dirs[0]!], { encoding: 'utf8' });
    const logKey = (JSON.parse(printed) as { logKey: string }).logKey;
    for (const dir of dirs.slice(1)) copyFileSync(join(dirs[0]!, LOG_KEY_FILE), join(dir, LOG_KEY_FILE));
    const witnesses = await Promise.all(witnessDirs.map((dir) => spawnHotlineProcess(HOTLINE_BIN, 'witness', ['--data', dir, '--listen', '127.0.0.1:0', '--log', logKey])));
    const args = (i: number) => [
      '--data', dirs[i]!,
      '--store', db.url,
      ...(nats === undefined ? [] : ['--nats', nats.url]),
      '--listen', '127.0.0.1:0',
      '--party', formatVerifierKey(verifierKeyOf(WASHINGTON)),
      '--party', formatVerifierKey(verifierKeyOf(MOSCOW)),
      '--checkpoint-ms', '50',
      '--rate', '100000',
      '--burst', '100000',
      ...witnesses.flatMap((w) => ['--witness', `${w.url}=${w.info['vkey']}`]),
    ];
    const cluster = new TestCluster(db, nats, logKey, witnesses, args, dirs, witnessDirs);
    try {
      for (let i = 0; i < count; i++) await cluster.startNode(i); // one after another: the schema is created once
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  url(i: number): string {
    const node = this.nodes[i];
    if (node === undefined) throw new Error(`node ${i} is not running`);
    return node.url;
  }

  async startNode(i: number): Promise<RelayProcess> {
    const node = await spawnRelayProcess(HOTLINE_BIN, this.nodeArgs(i));
    this.nodes[i] = node;
    return node;
  }

  /** kill -9: no final checkpoint, no goodbye to its sockets. */
  async kill(i: number): Promise<void> {
    const node = this.nodes[i];
    this.nodes[i] = undefined;
    if (node !== undefined) await stopRelayProcess(node, 'SIGKILL');
  }

  /** Everything its relays logged to stderr (the last 20 kB each). */
  stderr(): string {
    return this.nodes.map((n) => n?.stderr() ?? '').join('\n');
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) if (node !== undefined) await stopRelayProcess(node);
    for (const w of this.witnesses) await stopRelayProcess(w);
    await this.nats?.stop();
    for (const dir of [...this.dirs, ...this.extraDirs]) rmSync(dir, { recursive: true, force: true });
    await this.db.remove();
  }
}
