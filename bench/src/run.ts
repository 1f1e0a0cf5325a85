#!/usr/bin/env node
/**
 * npm run bench -- [suite ...] [--json] [--quick] [--only rss|sync --envelopes N]
 *
 * Runs Hotline's benchmarks and prints a table (or, with --json, machine-readable figures, the
 * ratios the issues ask for and whether their targets were met). Suites: log, relay, witness,
 * terminal, record, console. Progress goes to stderr so --json output stays clean on stdout.
 */
import { logSuite } from './suites/log.js';
import { consoleSuite } from './suites/console.js';
import { recordSuite } from './suites/record.js';
import { relaySuite } from './suites/relay.js';
import { serviceRssSuite, syncSuite, terminalSuite } from './suites/terminal.js';
import { witnessSuite } from './suites/witness.js';
import { printTable, toJson, type SuiteReport } from './report.js';
import { nowMs } from './measure.js';

const SUITES = ['log', 'relay', 'witness', 'terminal', 'record', 'console'] as const;
type Suite = (typeof SUITES)[number];

const USAGE = `usage: npm run bench -- [suite ...] [--json] [--quick] [--only rss|sync --envelopes N]

  suites         ${SUITES.join(', ')} (default: all)
  --json         print figures as JSON on stdout (progress stays on stderr)
  --quick        smaller trees and shorter timings, for a smoke run (figures not comparable)
  --only BENCH   the terminal suite's service RSS bench (rss) or its sync + verify bench (sync)
                 alone, for iterating on one figure (implies the terminal suite)
  --envelopes N  with --only: envelopes to post (default 100,000; rss samples every N/10)
  --help         this text`;

type Only = (typeof ONLY)[number];
const ONLY = ['rss', 'sync'] as const;

interface Args {
  readonly suites: Suite[];
  readonly json: boolean;
  readonly quick: boolean;
  readonly only?: { readonly bench: Only; readonly envelopes: number };
}

function parseArgs(argv: readonly string[]): Args | string {
  const suites: Suite[] = [];
  let json = false;
  let quick = false;
  let only: Only | undefined;
  let envelopes: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--quick') quick = true;
    else if (arg === '--only') {
      const value = argv[++i];
      if (!(ONLY as readonly (string | undefined)[]).includes(value)) return `--only takes ${ONLY.join(' or ')}, not ${JSON.stringify(value ?? '')}`;
      only = value as Only;
    } else if (arg === '--envelopes') {
      const value = argv[++i] ?? '';
      envelopes = /^[1-9][0-9]*$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(envelopes) || envelopes % 10 !== 0) return `--envelopes takes a positive multiple of 10, not ${JSON.stringify(value)}`;
    } else if ((SUITES as readonly string[]).includes(arg)) suites.push(arg as Suite);
    else return `unknown argument ${JSON.stringify(arg)}`;
  }
  if (envelopes !== undefined && only === undefined) return '--envelopes needs --only';
  if (only !== undefined) {
    if (suites.some((s) => s !== 'terminal')) return `--only ${only} is a bench of the terminal suite`;
    return { suites: ['terminal'], json, quick, only: { bench: only, envelopes: envelopes ?? 100_000 } };
  }
  return { suites: suites.length > 0 ? suites : [...SUITES], json, quick };
}

/** Issue 11: "the whole terminal suite runs in ≤ 8 minutes". */
const WALL_TIME_TARGET_S: Partial<Record<Suite, number>> = { terminal: 8 * 60 };

function runSuite(suite: Suite, quick: boolean, only: Args['only']): Promise<SuiteReport> {
  if (only !== undefined) return only.bench === 'rss' ? serviceRssSuite(only.envelopes) : syncSuite(only.envelopes);
  switch (suite) {
    case 'log': return logSuite({ treeSize: quick ? 300_000 : 10_000_000, minMs: quick ? 200 : 1500 });
    case 'relay': return relaySuite({ durationMs: quick ? 500 : 3000, fanoutMessages: quick ? 200 : 2000 });
    case 'terminal': return terminalSuite({ durationMs: quick ? 500 : 3000, syncEnvelopes: quick ? 5000 : 100_000, hookMessages: quick ? 200 : 1000, rssEnvelopes: quick ? 10_000 : 100_000 });
    case 'witness': return witnessSuite({ steps: quick ? 50 : 400, durationMs: quick ? 2000 : 5000 });
    case 'record': return recordSuite({ messages: quick ? 1000 : 10_000, runs: quick ? 1 : 3 });
    case 'console': return consoleSuite({ messages: quick ? 1000 : 10_000, loads: quick ? 2 : 6, liveEvents: quick ? 100 : 1000, ratePerSecond: 100 });
  }
}

/** The suite's own wall time (after the build), as a figure, checked against its target if it has one. */
function withWallTime(report: SuiteReport, ms: number, targetS: number | undefined): SuiteReport {
  const seconds = ms / 1000;
  const figure = { name: 'wall time of the suite', value: seconds, unit: 's', note: targetS === undefined ? 'measured in run.ts, build excluded' : `target ≤ ${targetS} s; measured in run.ts, build excluded` };
  const targets = targetS === undefined ? report.targets : [...(report.targets ?? []), { name: `suite wall time ≤ ${targetS} s`, met: seconds <= targetS, detail: `${Math.round(seconds)} s` }];
  return { ...report, figures: [...report.figures, figure], ...(targets === undefined ? {} : { targets }) };
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
    const start = nowMs();
    const report = await runSuite(suite, args.quick, args.only);
    reports.push(withWallTime(report, nowMs() - start, args.only === undefined ? WALL_TIME_TARGET_S[suite] : undefined)); // one bench is not the suite
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
