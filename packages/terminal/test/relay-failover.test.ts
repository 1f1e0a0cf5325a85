/**
 * Failover between the nodes of one relay cluster (relay-failover.ts): an unavailable node
 * (unreachable, timed out, 5xx, 429) hands the call to the next and the next call starts
 * there; an answer — even a refusal — is final; with every node down the last failure is
 * thrown as it was, so the terminal's outage handling sees what it always saw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailoverRelay, isRelayUnavailable, type RelayApi } from '../src/index.js';

function unreachable(url: string): Error {
  return Object.assign(new Error(`cannot reach ${url}`), { transport: 'unreachable' as const, url });
}

function answered(status: number, code: string): Error {
  return Object.assign(new Error(`relay said ${code}`), { status, code });
}

/** A node whose checkpoint() and submit() answer, or fail when `fail` returns an error, counting calls. */
function node(name: string, behaviour: { fail?: () => Error | undefined }): RelayApi & { calls: string[] } {
  const calls: string[] = [];
  const run = async <T>(what: string, value: T): Promise<T> => {
    calls.push(what);
    const failure = behaviour.fail?.();
    if (failure !== undefined) throw failure;
    return value;
  };
  return {
    calls,
    checkpoint: () => run('checkpoint', `checkpoint from ${name}`),
    submit: () => run('submit', { seq: 1, logIndex: 7, name } as never),
  } as unknown as RelayApi & { calls: string[] };
}

test('an unreachable node hands the call to the next, and later calls start at the one that answered', async () => {
  const a = node('a', { fail: () => unreachable('http://a') });
  const b = node('b', {});
  const relay = new FailoverRelay([a, b]);
  assert.equal(await relay.checkpoint(), 'checkpoint from b');
  assert.equal(relay.active, 1);
  assert.equal(await relay.checkpoint(), 'checkpoint from b');
  assert.deepEqual(a.calls, ['checkpoint'], 'the dead node is not asked again while the other answers');
  assert.deepEqual(b.calls, ['checkpoint', 'checkpoint']);
});

test('5xx and 429 count as unavailable; a 4xx refusal is the cluster\'s answer and is not retried', async () => {
  for (const status of [500, 503, 429]) {
    const relay = new FailoverRelay([node('a', { fail: () => answered(status, 'not_serving') }), node('b', {})]);
    assert.equal(await relay.checkpoint(), 'checkpoint from b', `HTTP ${status}`);
  }
  const b = node('b', {});
  const relay = new FailoverRelay([node('a', { fail: () => answered(409, 'epoch_committed') }), b]);
  await assert.rejects(relay.submit(new Uint8Array(16), new Uint8Array(1)), /relay said epoch_committed/);
  assert.deepEqual(b.calls, [], 'a refusal is never resubmitted elsewhere');
});

test('with every node down, the last failure is thrown as it was (the outage path sees an unavailable relay)', async () => {
  const relay = new FailoverRelay([node('a', { fail: () => unreachable('http://a') }), node('b', { fail: () => unreachable('http://b') })]);
  const failure = await relay.checkpoint().then(() => undefined, (e: unknown) => e);
  assert.ok(isRelayUnavailable(failure));
  assert.match(String((failure as Error).message), /cannot reach http:\/\/b/);
});

test('a node that comes back is used again once the one in use fails', async () => {
  let aDown = true;
  let bDown = false;
  const relay = new FailoverRelay([node('a', { fail: () => (aDown ? unreachable('http://a') : undefined) }), node('b', { fail: () => (bDown ? unreachable('http://b') : undefined) })]);
  assert.equal(await relay.checkpoint(), 'checkpoint from b');
  aDown = false;
  bDown = true;
  assert.equal(await relay.checkpoint(), 'checkpoint from a');
  assert.equal(relay.active, 0);
});
