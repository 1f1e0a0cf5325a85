/**
 * POST /api/commands/<name> and POST /api/preferences (docs/spec/console-api.md §3): a body
 * checked field by field, run as its CLI command, answered with the command's --json output or
 * its error in words. A refused command changed nothing (the CLI's own guarantee).
 */
import { basename, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { CONSOLE_LANGUAGES, type CommandOutcome, type ConsoleBackend, type ConsoleLanguage } from './backend.js';
import { COMMAND_NAMES, CommandBodyError, commandLine, type CommandName } from './commands.js';
import { failure, json } from './http-answers.js';

/** The files an export from this console wrote: the only names GET /api/exports/:file serves. */
export class ExportedFiles {
  private readonly names = new Set<string>();
  add(path: string): string {
    const name = basename(path);
    this.names.add(name);
    return name;
  }
  has(name: string): boolean {
    return this.names.has(name);
  }
}

function channelOf(backend: ConsoleBackend, body: Record<string, unknown>): string | undefined {
  const c = body['channel'];
  return typeof c === 'string' ? backend.channelName(c) : undefined;
}

/** The command's --json result, or what it said went wrong. */
function outcomeAnswer(res: ServerResponse, outcome: CommandOutcome, extra: Record<string, unknown> = {}): void {
  const result = parsedOutput(outcome.out);
  if (outcome.exit === 0) return json(res, 200, { exit: 0, result: result ?? outcome.out.join('\n'), ...extra });
  // Exit 3 with a result: the relay is away and the statement waits in the outbox (it goes when the relay is back).
  if (outcome.exit === 3 && result !== undefined) return json(res, 202, { exit: 3, result, ...extra });
  const said = [...outcome.err, ...outcome.out].map((l) => l.replace(/^hotline: /, '')).join('\n').trim();
  json(res, 422, { exit: outcome.exit, error: said === '' ? `the command ended with exit status ${outcome.exit}` : said, code: outcome.exit === 2 ? 'usage' : 'refused' });
}

function parsedOutput(out: readonly string[]): unknown {
  try {
    return JSON.parse(out.join('\n'));
  } catch {
    return undefined; // a command whose --json printed nothing parseable
  }
}

export async function runCommandRoute(name: string, body: Record<string, unknown>, backend: ConsoleBackend, exported: ExportedFiles, res: ServerResponse): Promise<void> {
  try {
    if (name === 'read') return await markShownRoute(body, backend, res);
    if (name === 'export') return await exportRoute(body, backend, exported, res);
    if (!(COMMAND_NAMES as readonly string[]).includes(name)) return failure(res, 404, 'not_found', `there is no console command ${JSON.stringify(name)}`);
    const argv = commandLine(name as CommandName, body, channelOf(backend, body));
    outcomeAnswer(res, await backend.run(argv));
  } catch (error) {
    if (error instanceof CommandBodyError) return failure(res, 400, 'bad_request', error.message);
    throw error;
  }
}

async function markShownRoute(body: Record<string, unknown>, backend: ConsoleBackend, res: ServerResponse): Promise<void> {
  const channel = channelOf(backend, body);
  if (channel === undefined) throw new CommandBodyError('channel must name one of this terminal\'s channels (its name or id)');
  const seqs = body['seqs'];
  if (!Array.isArray(seqs) || seqs.length > 1000 || !seqs.every((s) => Number.isSafeInteger(s) && (s as number) > 0)) throw new CommandBodyError('seqs must be an array of at most 1000 positive whole numbers');
  json(res, 200, { exit: 0, result: { sent: await backend.markShown(channel, seqs as number[]) } });
}

/** Export, then both renderings, into the home's exports directory; the three names come back. */
async function exportRoute(body: Record<string, unknown>, backend: ConsoleBackend, exported: ExportedFiles, res: ServerResponse): Promise<void> {
  const channel = channelOf(backend, body);
  if (channel === undefined) throw new CommandBodyError('channel must name one of this terminal\'s channels (its name or id)');
  mkdirSync(backend.exportsDir, { recursive: true, mode: 0o700 });
  const stamp = new Date(backend.session().now).toISOString().replace(/[:.]/g, '-');
  const base = join(backend.exportsDir, `${channel.replace(/[^A-Za-z0-9_-]/g, '_')}-${stamp}`);
  const files = { bundle: `${base}.json`, html: `${base}.html`, pdf: `${base}.pdf` };
  const made = await backend.run(['export', channel, '--out', files.bundle, '--json']);
  if (made.exit !== 0) return outcomeAnswer(res, made);
  for (const format of ['html', 'pdf'] as const) {
    const rendered = await backend.run(['render', files.bundle, `--${format}`, files[format]]);
    if (rendered.exit !== 0) return outcomeAnswer(res, rendered);
  }
  outcomeAnswer(res, made, { files: { bundle: exported.add(files.bundle), html: exported.add(files.html), pdf: exported.add(files.pdf) } });
}

export function preferencesRoute(body: Record<string, unknown>, backend: ConsoleBackend, res: ServerResponse): void {
  const language = body['language'];
  if (typeof language !== 'string' || !(CONSOLE_LANGUAGES as readonly string[]).includes(language)) return failure(res, 400, 'bad_request', `language must be one of ${CONSOLE_LANGUAGES.join(', ')}`);
  backend.setLanguage(language as ConsoleLanguage);
  json(res, 200, { language });
}
