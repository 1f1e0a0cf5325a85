/**
 * Integration on the relay's own event loop, for backends whose storage calls are I/O (a
 * database server): the integrator's hashing is small beside the round trips, and nothing
 * blocks while they are in flight. SQLite runs it on a thread instead (sqlite/log-threads.ts).
 */
import { Integrator } from '../integrator.js';
import type { CheckpointStore, Integration, IntegrationOptions, LogReader } from './interfaces.js';

/** `shared`: other relay processes integrate into the same database (integrator.ts). */
export async function startInProcessIntegration(stores: { log: LogReader; tree: CheckpointStore }, logSize: number, options: IntegrationOptions, shared: boolean): Promise<Integration> {
  const integrator = await Integrator.open(stores, options.key, {
    shared,
    intervalMs: options.intervalMs,
    logSize,
    onCheckpoint: options.onCheckpoint,
    onError: (error) => options.onError(`integration: ${error.message}`),
  });
  integrator.start();
  let closed: Promise<void> | undefined;
  return {
    get checkpoint() {
      return integrator.checkpoint;
    },
    notify: (size) => integrator.notify(size),
    close: () =>
      (closed ??= (async () => {
        await integrator.settle();
        await integrator.integrate(); // a final checkpoint covering everything notified
        integrator.stop();
      })()),
  };
}
