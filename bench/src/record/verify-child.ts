/**
 * One verification of a record bundle in a fresh process, for the record bench: its peak RSS
 * (VmHWM) is then the verifier's alone. Usage: node verify-child.js BUNDLE TRUST.json WORKERS.
 * Prints one JSON line: { ok, ms, cpuMs, vmHwmKiB, statements }.
 */
import { readFileSync } from 'node:fs';
import { ed25519Pool } from '@hotline/node-files/ed25519-pool';
import { sharedEd25519Verifier } from '@hotline/node-files/ed25519-shared';
import { verifyRecordBundle, type RecordTrust } from '@hotline/verify';

function vmHwmKiB(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match === null ? NaN : Number(match[1]);
}

async function main(): Promise<void> {
  const [bundlePath, trustPath, workersText] = process.argv.slice(2);
  const bytes = new Uint8Array(readFileSync(bundlePath!));
  const trust = JSON.parse(readFileSync(trustPath!, 'utf8')) as RecordTrust;
  const workers = Number(workersText);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  // --workers 1 verifies in this thread; more start a pool (its start-up is part of the time).
  const pool = workers > 1 ? ed25519Pool(workers - 1) : undefined;
  const verdict = await verifyRecordBundle(bytes, trust, pool === undefined ? {} : { verifySignatures: sharedEd25519Verifier(pool) });
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart); // every thread of the process: independent of other load
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await pool?.close();
  console.log(JSON.stringify({ ok: verdict.ok, ms, cpuMs, vmHwmKiB: vmHwmKiB(), statements: verdict.ok ? verdict.summary.statements : 0, failure: verdict.ok ? undefined : verdict.failure.message }));
}

void main();
