#!/usr/bin/env node
/**
 * npm run bench -- [suite ...] [--json] [--quick]
 *
 * Runs Hotline's benchmarks and prints a table (or, with --json, machine-readable figures and
 * the ratios the issues ask for). Suites: log. Progress goes to stderr so --json output stays
 * clean on stdout.
 */
import { logSuite } from './suites/log.js';
import { relaySuite } from './suites/relay.js';
import { terminalSuite } from './suites/terminal.js';
import { witnessSuite } from './suites/witness.js';
import { printTable, toJson, type SuiteReport } from './report.js';

const SUITES = ['log', 'relay', 'witness', 'terminal'] as const;
type Suite = (typeof SUITES)[number];

const USAGE = `usage: npm run bench -- [suite ...] [--json] [--quick]

  suites   ${SUITES.join(', ')} (default: all)
  --json   print figures as JSON on stdout (progress stays on stderr)
  --quick  smaller trees and shorter timings, for a smoke run (figures not comparable)
  --help   this text`;

function parseArgs(argv: readonly string[]): { suites: Suite[]; json: boolean; quick: boolean } | string {
  const suites: Suite[] = [];
  let json = false;
  let quick = false;
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg === '--quick') quick = true;
    else if ((SUITES as readonly string[]).includes(arg)) suites.push(arg as Suite);
    else return `unknown argument ${JSON.stringify(arg)}`;
  }
  return { suites: suites.length > 0 ? suites : [...SUITES], json, quick };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`bench: ${args}\n\n${USAGE}`);
    return 2;
  }
  const reports: SuiteReport[] = [];
  for (const suite of args.suites) {
    if (suite === 'log') reports.push(await logSuite({ treeSize: args.quick ? 300_000 : 10_000_000, minMs: args.quick ? 200 : 1500 }));
    if (suite === 'relay') reports.push(await relaySuite({ durationMs: args.quick ? 500 : 3000, fanoutMessages: args.quick ? 200 : 2000 }));
    if (suite === 'terminal') reports.push(await terminalSuite({ durationMs: args.quick ? 500 : 3000, syncEnvelopes: args.quick ? 5000 : 100_000, hookMessages: args.quick ? 200 : 1000 }));
    if (suite === 'witness') reports.push(await witnessSuite({ steps: args.quick ? 50 : 400, durationMs: args.quick ? 2000 : 5000 }));
  }
  if (args.json) console.log(toJson(reports));
  else printTable(reports);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
