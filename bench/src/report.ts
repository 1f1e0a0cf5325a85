/** Prints figures as an aligned table, or as JSON for machines. */
import os from 'node:os';
import type { Figure } from './measure.js';

export interface SuiteReport {
  readonly suite: string;
  readonly figures: readonly Figure[];
  /** Ratios the issues ask for, e.g. relay throughput over NATS publish-ack. */
  readonly ratios?: Readonly<Record<string, number>>;
  /** The issues' targets this run checks, each met or missed. */
  readonly targets?: readonly Target[];
}

export interface Target {
  readonly name: string;
  readonly met: boolean;
  /** The target and the figure it was checked against, e.g. "≤ 256 MiB: 112 MiB". */
  readonly detail: string;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function printTable(reports: readonly SuiteReport[]): void {
  for (const report of reports) {
    const rows = report.figures.map((f) => [f.name, formatValue(f.value), f.unit, f.note ?? '']);
    for (const [name, value] of Object.entries(report.ratios ?? {})) rows.push([`ratio: ${name}`, formatValue(value), 'x', '']);
    for (const t of report.targets ?? []) rows.push([`target: ${t.name}`, t.met ? 'met' : 'MISSED', '', t.detail]);
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length), 4));
    console.log(`\n${report.suite}`);
    console.log('-'.repeat(report.suite.length));
    for (const r of rows) console.log(`${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padStart(widths[1]!)}  ${r[2]!.padEnd(widths[2]!)}  ${r[3]}`.trimEnd());
  }
}

export function toJson(reports: readonly SuiteReport[]): string {
  const cpus = os.cpus();
  return JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      suites: Object.fromEntries(
        reports.map((r) => [r.suite, { figures: Object.fromEntries(r.figures.map((f) => [f.name, { value: f.value, unit: f.unit }])), ratios: r.ratios ?? {}, targets: Object.fromEntries((r.targets ?? []).map((t) => [t.name, { met: t.met, detail: t.detail }])) }]),
      ),
    },
    null,
    2,
  );
}
