/**
 * A command's side of the local socket (local-socket.ts): hands the command line to the home's
 * running terminal and relays what it prints. If nothing listens — no service, or the socket of
 * one that died — nothing was sent and the caller runs the command itself, under the home's lock.
 */
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import type { CommandOutput, ForwardedCommand } from './local-socket.js';
import { HotlineError } from '../errors.js';

/** The service took the command and then went away before saying how it ended. */
export class TerminalVanished extends HotlineError {
  override readonly name = 'TerminalVanished';
  constructor(message: string) {
    super('terminal_vanished', message);
  }
}

export interface ForwardOptions {
  /** Resolves when the user asks the command to stop (Ctrl-C on a forwarded watch). */
  readonly stopRequested?: Promise<unknown>;
}

/** The command's exit status from the service, or undefined if no service listens at `path`. */
export function forwardCommand(path: string, command: ForwardedCommand, output: CommandOutput, options: ForwardOptions = {}): Promise<number | undefined> {
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let accepted = false;
    let finished = false;
    const req = request({ socketPath: path, path: '/v1/commands', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new TerminalVanished(`the running terminal refused the command (HTTP ${res.statusCode})`));
        return;
      }
      accepted = true;
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          const exit = handleLine(line, output, path, options);
          if (exit !== undefined) {
            finished = true;
            resolve(exit);
          }
        }
      });
      res.on('close', () => {
        if (!finished) reject(new TerminalVanished('the running terminal stopped before the command finished: run hotline status to see what happened'));
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (finished) return;
      // Refused or gone before anything was accepted: no service, so the command runs here.
      if (!accepted && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT')) resolve(undefined);
      else reject(new TerminalVanished(`lost the running terminal: ${error.message}`));
    });
    req.end(JSON.stringify(command));
  });
}

function handleLine(line: string, output: CommandOutput, path: string, options: ForwardOptions): number | undefined {
  if (line === '') return undefined;
  const message = JSON.parse(line) as { id?: string; out?: string; err?: string; hook?: { command: string; env: Record<string, string> }; exit?: number };
  if (message.id !== undefined) void options.stopRequested?.then(() => askToStop(path, message.id!));
  if (message.out !== undefined) output.out(message.out);
  if (message.err !== undefined) output.err(message.err);
  if (message.hook !== undefined) output.hook(message.hook.command, message.hook.env);
  return message.exit;
}

function askToStop(path: string, id: string): void {
  const req = request({ socketPath: path, path: `/v1/commands/${id}/stop`, method: 'POST', agent: false }, (res) => res.resume());
  req.on('error', () => undefined); // the service is gone: the stream's end reports it
  req.end();
}

/**
 * Asks the home's running terminal for a console session (POST /v1/console/sessions): its URL,
 * or undefined if no terminal runs for the home.
 */
export function requestConsoleSession(path: string): Promise<{ url: string } | undefined> {
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: path, path: '/v1/console/sessions', method: 'POST', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        let parsed: { url?: unknown; error?: unknown } = {};
        try {
          parsed = JSON.parse(body) as typeof parsed;
        } catch {
          // said below
        }
        if (res.statusCode === 200 && typeof parsed.url === 'string') resolve({ url: parsed.url });
        else reject(new TerminalVanished(typeof parsed.error === 'string' ? parsed.error : `the running terminal did not start a console session (HTTP ${res.statusCode}): is it older than this hotline? restart it`));
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve(undefined);
      else reject(new TerminalVanished(`lost the running terminal: ${error.message}`));
    });
    req.end();
  });
}
