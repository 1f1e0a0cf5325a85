/** Operations: health, OpenMetrics, and the relay's public identity. */
import type { Reply, Route } from './router.js';

/** What the operations routes show: live figures, the metrics registry, the public identity. */
export interface OpsDeps {
  readonly status: () => {
    healthy: boolean;
    logSize: number;
    checkpointSize: number;
    pending: number;
    connections: number;
    /** On a shared store: announcements over NATS ('connected', 'unreachable') or none ('off'). */
    cluster?: { nats: 'connected' | 'unreachable' | 'off' };
  };
  readonly metrics: { render(): string };
  readonly identity: { readonly origin: string; readonly logKey: string; readonly parties: readonly string[] };
}

function health(deps: OpsDeps): Reply {
  const s = deps.status();
  return {
    json: {
      status: s.healthy ? 'ok' : 'degraded',
      logSize: s.logSize,
      logWriter: s.healthy ? 'ok' : 'failed',
      checkpointSize: s.checkpointSize,
      pending: s.pending,
      connections: s.connections,
      ...(s.cluster === undefined ? {} : { cluster: s.cluster }),
    },
  };
}

export function opsRoutes(deps: OpsDeps): Route[] {
  return [
    { method: 'GET', pattern: /^\/healthz$/, name: 'healthz', handler: () => health(deps) },
    { method: 'GET', pattern: /^\/metrics$/, name: 'metrics', handler: () => ({ headers: { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' }, body: deps.metrics.render() }) },
    { method: 'GET', pattern: /^\/v1\/info$/, name: 'info', handler: () => ({ json: { origin: deps.identity.origin, logKey: deps.identity.logKey, parties: [...deps.identity.parties] } }) },
  ];
}
