/** `hotline console` — a session of the running terminal's console, as a URL to open. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import { localSocketPath, requestConsoleSession } from '@hotline/terminal';
import type { CommandIo } from '../command-io.js';
import { parseCommand, UsageError, type CommandSpec } from '../args.js';
import { existingHome, HOME_OPTION } from '../home.js';
import { EXIT } from '../failures.js';

export const CONSOLE: CommandSpec = {
  command: 'console',
  summary: 'a session of this home\'s console (the web page), printed as a URL to open',
  description: `Asks this home's running terminal (hotline terminal) for a new console session and prints
  console: http://127.0.0.1:PORT/?token=<64 hex>
The console is served by the terminal on 127.0.0.1 only (started now if hotline terminal ran
without --console). Opening the URL trades the token for an HttpOnly, SameSite=Strict cookie
and takes it out of the address bar; anyone holding the URL holds the session, so do not share
it. Sessions end when the terminal stops.`,
  options: [
    { name: 'open', type: 'boolean', description: 'open the URL in a new browser window with a fresh profile (Chromium or Chrome; else $BROWSER)' },
    HOME_OPTION,
  ],
  footer: `Exit status: 0 printed (and opened); 2 bad usage or a home that is not set up; 3 no terminal
runs for this home — start one first: hotline terminal --home DIR --console 127.0.0.1:0`,
};

const CHROMIUM_FAMILY = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Opens `url` in a fresh profile, so no extension or other site's state shares the page's browser. */
function openInBrowser(url: string, io: CommandIo): void {
  const chromium = CHROMIUM_FAMILY.find((p) => existsSync(p));
  const browser = chromium ?? process.env['BROWSER'];
  if (browser === undefined || browser === '') throw new UsageError('--open found no browser: install chromium (apt-get install chromium) or set BROWSER, or open the URL above yourself');
  const args = chromium === undefined ? [url] : [`--user-data-dir=${mkdtempSync(join(tmpdir(), 'hotline-console-'))}`, '--no-first-run', '--no-default-browser-check', '--new-window', url];
  const child = spawn(browser, args, { detached: true, stdio: 'ignore' });
  child.once('error', (error) => io.printError(`hotline: could not start ${browser}: ${error.message}`));
  child.unref();
  io.print(`opened in ${browser}${chromium === undefined ? '' : ' with a fresh profile'}`);
}

export async function runConsole(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseCommand(argv, CONSOLE);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const home = realpathSync(existingHome(args));
  const session = await requestConsoleSession(localSocketPath(home));
  if (session === undefined) {
    io.printError(`hotline: no terminal is running for ${home}: start one with\n  hotline terminal --home ${home} --console 127.0.0.1:0\nthen run hotline console --home ${home} again`);
    return EXIT.unreachable;
  }
  io.print(`console: ${session.url}`);
  if (args.booleans.has('open')) openInBrowser(session.url, io);
  return EXIT.ok;
}
