/** Operations: health, OpenMetrics, and the relay's public identity. */
import type { RelayContext } from '../context.js';
import type { Reply, Route } from './router.js';

function health(ctx: RelayContext): Reply {
  const checkpoint = ctx.log.checkpoint;
  return {
    json: {
      status: ctx.log.healthy ? 'ok' : 'degraded',
      logSize: ctx.log.size,
      logWriter: ctx.log.healthy ? 'ok' : 'failed',
      checkpointSize: checkpoint?.size ?? 0,
      pending: ctx.sequencer.pending,
      connections: ctx.fanout.connectionCount,
    },
  };
}

function info(ctx: RelayContext): Reply {
  return { json: { origin: ctx.origin, logKey: ctx.logVkey, parties: [...ctx.partyRoots.keys()] } };
}

export const opsRoutes: Route[] = [
  { method: 'GET', pattern: /^\/healthz$/, name: 'healthz', handler: (_r, ctx) => health(ctx) },
  { method: 'GET', pattern: /^\/metrics$/, name: 'metrics', handler: (_r, ctx) => ({ headers: { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' }, body: ctx.metrics.render() }) },
  { method: 'GET', pattern: /^\/v1\/info$/, name: 'info', handler: (_r, ctx) => info(ctx) },
];
