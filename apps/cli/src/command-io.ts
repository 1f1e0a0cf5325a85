/**
 * What a command works with besides its arguments: where its output goes, its standard input,
 * the directory its relative paths are relative to, when it must stop, and which terminal it
 * uses (hosting.ts). A command run in its own process gets the process's; one forwarded to the
 * home's running terminal (the local socket) gets the forwarding command's, so it behaves the
 * same wherever it runs.
 */
import { spawn } from 'node:child_process';
import { localHost, type TerminalHost } from './hosting.js';

export interface CommandIo {
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
  readonly host: TerminalHost;
  readonly cwd: string;
  readonly readStdin: () => Promise<string>;
  /** Aborted when a long-running command (watch) must stop: SIGINT/SIGTERM, or its forwarding command gone. */
  readonly stopSignal: () => AbortSignal;
  /** Runs a hook (watch --on-alarm) through sh, where the user who typed the command is. */
  readonly runHook: (command: string, env: Record<string, string>) => void;
}

async function processStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Spawns `command` through sh with `env` added; reports a failure on `printError`, never throws. */
export function spawnHook(command: string, env: Record<string, string>, printError: (line: string) => void): void {
  const child = spawn('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, ...env } });
  child.once('error', (error) => printError(`(the hook could not run: ${error.message})`));
  child.once('exit', (code) => {
    if (code !== 0) printError(`(the hook exited with ${code})`);
  });
}

/** This process's io; `dispose` removes the signal handlers a command asked for. */
export function processIo(print: (line: string) => void, printError: (line: string) => void): CommandIo & { dispose(): void } {
  let stop: { controller: AbortController; handler: () => void } | undefined;
  return {
    print,
    printError,
    host: localHost,
    cwd: process.cwd(),
    readStdin: processStdin,
    stopSignal: () => {
      if (stop === undefined) {
        const controller = new AbortController();
        const handler = () => controller.abort();
        process.once('SIGINT', handler);
        process.once('SIGTERM', handler);
        stop = { controller, handler };
      }
      return stop.controller.signal;
    },
    runHook: (command, env) => spawnHook(command, env, printError),
    dispose: () => {
      if (stop === undefined) return;
      process.off('SIGINT', stop.handler);
      process.off('SIGTERM', stop.handler);
    },
  };
}
