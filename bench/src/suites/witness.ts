/** Witness figures (issue 4): add-checkpoint throughput, and receipt → two-witness cosigned checkpoint. */
import { percentile } from '../measure.js';
import type { SuiteReport } from '../report.js';
import { addCheckpointRate } from '../witness/add-checkpoint-rate.js';
import { cosignedLatency } from '../witness/cosigned-latency.js';

export async function witnessSuite(options: { steps: number; durationMs: number }): Promise<SuiteReport> {
  process.stderr.write('[bench witness] add-checkpoint requests/s, one witness, 8 logs…\n');
  const rate = await addCheckpointRate(8, options.steps);
  process.stderr.write('[bench witness] receipt → checkpoint cosigned by two witnesses, 200 msg/s…\n');
  const latency = await cosignedLatency(200, options.durationMs);
  return {
    suite: 'witness',
    figures: [
      { name: 'add-checkpoint requests/s, one witness (8 logs)', value: rate, unit: 'req/s', note: 'consistency proof + cosignature + durable commit each' },
      { name: 'receipt → two-witness cosigned checkpoint p50', value: percentile(latency, 50), unit: 'ms', note: `${latency.length} envelopes at 200/s` },
      { name: 'receipt → two-witness cosigned checkpoint p99', value: percentile(latency, 99), unit: 'ms', note: 'target ≤ 500 ms' },
    ],
  };
}
