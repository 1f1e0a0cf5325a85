/**
 * Record bundle figures (issue 12): a synthetic bundle of 10,000 type-1 messages of 280 bytes of
 * text and one ack per 10 messages (11,000 seqs), built with real keys and a real log
 * (record-fixture.ts, the verifier's own test fixture), verified in a child process with one
 * thread and with a pool of two, each run three times (median reported); peak RSS from the
 * child's VmHWM; the bundle's size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixture } from '@hotline/verify/test/record-fixture'; // the verifier's own test fixture (not in the published files)
import { nowMs, type Figure } from '../measure.js';
import type { SuiteReport } from '../report.js';

export interface RecordBenchOptions {
  readonly messages: number;
  readonly runs: number;
}

interface ChildResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly cpuMs: number;
  readonly vmHwmKiB: number;
  readonly statements: number;
  readonly failure?: string;
}

const child = fileURLToPath(new URL('../record/verify-child.js', import.meta.url));
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function verifyIn(bundle: string, trust: string, workers: number): ChildResult {
  const out = execFileSync(process.execPath, [child, bundle, trust, String(workers)], { encoding: 'utf8' });
  const result = JSON.parse(out) as ChildResult;
  if (!result.ok) throw new Error(`the bench bundle did not verify: ${result.failure}`);
  return result;
}

export async function recordSuite(options: RecordBenchOptions): Promise<SuiteReport> {
  const load = loadavg()[0]!;
  const text = 'x'.repeat(280);
  const buildStart = nowMs();
  // ackEvery 11: seqs 11, 22, … are acks, so every 10 messages are followed by one ack.
  const fixture = await buildFixture({ seqs: options.messages + options.messages / 10, ackEvery: 11, text: () => text });
  const buildMs = nowMs() - buildStart;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-record-bench-'));
  try {
    const bundle = join(dir, 'bundle.json');
    const trust = join(dir, 'trust.json');
    writeFileSync(bundle, fixture.bytes);
    writeFileSync(trust, JSON.stringify(fixture.trust));
    const runs = (workers: number) => Array.from({ length: options.runs }, () => verifyIn(bundle, trust, workers));
    process.stderr.write('record: verifying with 1 thread…\n');
    const one = runs(1);
    process.stderr.write('record: verifying with 2 workers…\n');
    const two = runs(2);
    const s1 = median(one.map((r) => r.ms)) / 1000;
    const s2 = median(two.map((r) => r.ms)) / 1000;
    const rssMiB = Math.max(...[...one, ...two].map((r) => r.vmHwmKiB)) / 1024;
    const sizeMB = fixture.bytes.length / 1e6;
    const figures: Figure[] = [
      { name: 'bundle seqs', value: one[0]!.statements, unit: 'statements', note: `${options.messages} messages of 280 B text + ${options.messages / 10} acks` },
      { name: 'bundle size', value: sizeMB, unit: 'MB', note: `${fixture.bytes.length} bytes` },
      { name: 'verify, --workers 1', value: s1, unit: 's', note: `median of ${options.runs}, in-thread signatures; runs ${one.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}` },
      { name: 'verify, --workers 2', value: s2, unit: 's', note: `median of ${options.runs}, worker pool incl. start-up; runs ${two.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}` },
      { name: 'verify CPU time, --workers 1', value: median(one.map((r) => r.cpuMs)) / 1000, unit: 's', note: 'all threads; does not grow when other processes load the machine' },
      { name: 'verify CPU time, --workers 2', value: median(two.map((r) => r.cpuMs)) / 1000, unit: 's', note: 'all threads, pool included' },
      { name: 'load average at start', value: load, unit: '', note: `${cpus().length} cores; wall times are only comparable on an idle machine` },
      { name: 'verify peak RSS', value: rssMiB, unit: 'MiB', note: 'max VmHWM of the verifying child processes' },
      { name: 'bundle build (not a target)', value: buildMs / 1000, unit: 's', note: 'fixture: sign, log, prove, encode' },
    ];
    return {
      suite: 'record',
      figures,
      ratios: { 'workers 1 over workers 2': s1 / s2 },
      targets: [
        { name: 'verify --workers 1 ≤ 2.0 s', met: s1 <= 2.0, detail: `${s1.toFixed(2)} s` },
        { name: 'verify --workers 2 ≤ 1.2 s', met: s2 <= 1.2, detail: `${s2.toFixed(2)} s` },
        { name: 'peak RSS ≤ 256 MB', met: rssMiB * 1.048576 <= 256, detail: `${rssMiB.toFixed(1)} MiB` },
        { name: 'bundle ≤ 8 MB', met: sizeMB <= 8, detail: `${sizeMB.toFixed(2)} MB (10^6 bytes)` },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
