/**
 * `--json` on every command that prints data (issue 11 item 4; docs/spec/cli.md): two parties
 * set up, a channel chartered, opened and joined, a message sent, watched and acknowledged, all
 * in-process against a real relay — each output parsed and its values checked against what the
 * other commands said: whole keys and ids, never a prefix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVerifierKey } from '@hotline/log';
import { silentLogger, startRelay } from '@hotline/relay';
import { runCli as run } from './run-cli.js';


/** Runs a command that must succeed and print one JSON object. */
async function json<T>(...argv: string[]): Promise<T> {
  const r = await run(...argv, '--json');
  assert.equal(r.code, 0, `${argv.join(' ')}: ${r.err}`);
  return JSON.parse(r.out) as T;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

interface Charter {
  name: string;
  id: string;
  parties: { name: string; rootKey: string; signed: boolean }[];
  ackDeadlines: Record<string, number>;
  unsigned: string[];
  witnessPolicy: string;
  forwardTo: string[];
}
interface Device {
  party: string;
  member: string;
  deviceKey: string;
}
interface WatchEvent {
  event: string;
  [key: string]: unknown;
}

test('--json: init, party, channel create/sign/show/open/join/list/add/remove, send, watch, ack, drafts and status print whole values; watch reports an outage as a condition', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-json-'));
  const w = join(dir, 'washington');
  const m = join(dir, 'moscow');
  try {
    const wRoot = await json<{ party: string; vkey: string }>('party', 'create', 'washington', '--home', w);
    const mRoot = await json<{ party: string; vkey: string }>('party', 'create', 'moscow', '--home', m);
    const roots = [wRoot, mRoot].map((r) => parseVerifierKey(r.vkey));
    assert.ok(roots.every((r) => r.ok));
    const relay = await startRelay({ dataDir: join(dir, 'relay'), partyRoots: roots.map((r) => (r.ok ? r.value : undefined!)), checkpointIntervalMs: 20, logger: silentLogger });
    let relayOpen = true;
    try {
      assert.deepEqual(await json('party', 'trust', mRoot.vkey, '--home', w), { party: 'moscow', vkey: mRoot.vkey });
      assert.deepEqual(await json('party', 'trust', wRoot.vkey, '--home', m), { party: 'washington', vkey: wRoot.vkey });
      assert.deepEqual(await json('party', 'export', '--home', w), { vkey: wRoot.vkey });
      const policy = join(dir, 'policy.txt');
      writeFileSync(policy, `log ${relay.logVkey}\nquorum none\n`);

      // init: the whole device key, and what the relay's directory logged.
      const wInit = await json<{ deviceKey: string; created: boolean; registered: boolean; logIndex: number; party: string; member: string; roles: string[]; ownRootPinned: boolean; keyPackagesPublished: number }>('init', '--relay', relay.url, '--policy', policy, '--member', 'Principal', '--role', 'principal', '--role', 'admin', '--home', w);
      assert.match(wInit.deviceKey, HEX64);
      assert.deepEqual({ ...wInit, deviceKey: '', logIndex: 0 }, { deviceKey: '', created: true, registered: true, logIndex: 0, party: 'washington', member: 'Principal', roles: ['principal', 'admin'], ownRootPinned: true, keyPackagesPublished: 3 });
      assert.ok(Number.isInteger(wInit.logIndex));
      const mInit = await json<{ deviceKey: string; party: string }>('init', '--relay', relay.url, '--policy', policy, '--member', 'Principal', '--role', 'principal', '--home', m);
      assert.equal(mInit.party, 'moscow');

      // The charter: created by Washington, signed by Moscow, shown.
      const file = join(dir, 'hotline.charter');
      const created = await json<{ file: string; charter: Charter }>('channel', 'create', 'hotline', '--with', 'moscow', '--ack-deadline', 'priority=60', '--out', file, '--home', w);
      assert.equal(created.file, file);
      assert.match(created.charter.id, HEX32);
      assert.deepEqual(created.charter.parties.map((p) => [p.name, p.signed]), [['washington', true], ['moscow', false]]);
      assert.ok(created.charter.parties.every((p) => HEX64.test(p.rootKey)));
      assert.deepEqual(created.charter.unsigned, ['moscow']);
      assert.equal(created.charter.ackDeadlines['priority'], 60);
      assert.deepEqual(created.charter.forwardTo, [], 'no --forward-to: its messages cannot be forwarded');
      const staff = await json<{ charter: Charter }>('channel', 'create', 'staff', '--with', 'moscow', '--forward-to', created.charter.id.toUpperCase(), '--out', join(dir, 'staff.charter'), '--home', w);
      assert.deepEqual(staff.charter.forwardTo, [created.charter.id], '--forward-to: the channel ids it may be forwarded to');
      const badTarget = await run('channel', 'create', 'staff2', '--with', 'moscow', '--forward-to', 'abc', '--out', join(dir, 'staff2.charter'), '--home', w);
      assert.equal(badTarget.code, 2);
      assert.match(badTarget.err, /--forward-to takes a channel id of 32 hex digits/);
      const signed = await json<{ charter: Charter }>('channel', 'sign', file, '--home', m);
      assert.deepEqual(signed.charter.unsigned, []);
      const shown = await json<{ charter: Charter }>('channel', 'show', file);
      assert.deepEqual(shown.charter, signed.charter, 'show prints what sign wrote');

      // Open, join, list.
      const opened = await json<{ channel: string; id: string; commitSeq: number; invited: Device[]; skipped: unknown[] }>('channel', 'open', file, '--home', w);
      assert.equal(opened.id, created.charter.id);
      assert.deepEqual(opened.invited, [{ party: 'moscow', member: 'Principal', deviceKey: mInit.deviceKey }]);
      assert.deepEqual(opened.skipped, []);
      const joined = await json<{ joined: { name: string; id: string }[]; refused: string[] }>('channel', 'join', '--home', m);
      assert.deepEqual(joined.joined, [{ name: 'hotline', id: created.charter.id }]);
      assert.deepEqual(joined.refused, []);
      assert.deepEqual(await json('channel', 'list', '--home', m), { channels: [{ name: 'hotline', id: created.charter.id, parties: ['washington', 'moscow'], internal: false }] });
      assert.deepEqual(await json('channel', 'add', 'hotline', '--home', w), { channel: 'hotline', id: created.charter.id, commitSeq: null, invited: [], skipped: [] });

      // Send, watch (one JSON object per line, from the views), acknowledge.
      const sent = await json<{ channel: string; seq: number; logIndex: number; statement: string }>('send', 'hotline', 'Please acknowledge.', '--precedence', 'priority', '--home', w);
      assert.match(sent.statement, HEX64);
      let events: WatchEvent[] = [];
      for (let i = 0; i < 100 && !events.some((e) => e.event === 'statement'); i++) {
        const watched = await run('watch', 'hotline', '--once', '--json', '--home', m);
        assert.equal(watched.code, 0, watched.err);
        events = watched.out.split('\n').map((l) => JSON.parse(l) as WatchEvent);
        if (!events.some((e) => e.event === 'statement')) await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(events[0], { event: 'watching', channel: 'hotline', id: created.charter.id, parties: ['washington', 'moscow'], head: events[0]!['head'] });
      const statement = events.find((e) => e.event === 'statement') as WatchEvent & { id: string; seq: number; precedence: string; text: string; valid: boolean; evidence: { logIndex: number; checkpoint: { size: number; witnesses: string[] } | null; author: { deviceKey: string; party: string } } };
      assert.deepEqual([statement.id, statement.seq, statement.precedence, statement.text, statement.valid, statement['channel']], [sent.statement, sent.seq, 'PRIORITY', 'Please acknowledge.', true, 'hotline']);
      assert.equal(statement.evidence.logIndex, sent.logIndex);
      assert.ok(statement.evidence.checkpoint !== null && statement.evidence.checkpoint.size > sent.logIndex);
      assert.deepEqual(statement.evidence.checkpoint.witnesses, []);
      assert.deepEqual([statement.evidence.author.party, statement.evidence.author.deviceKey], ['washington', wInit.deviceKey]);
      const acked = await json<{ channel: string; seq: number; statement: string; duplicate: boolean }>('ack', 'hotline', sent.statement.slice(0, 12), '--home', m);
      assert.deepEqual([acked.channel, acked.duplicate], ['hotline', false]);
      assert.match(acked.statement, HEX64);
      assert.ok(acked.seq > sent.seq);

      // Status: the board view, members by whole key, the deadline met.
      let status: { log: { root: string; witnesses: string[]; witnessCosignatures: number; cosignedAt: string }; device: { key: string }; channels: { id: string; members: (Device & { revoked: boolean; roles: string[] })[]; board: { deadlines: { messageId: string; state: string; ackedAt: number | null; due: number }[] } }[]; alerts: unknown[] } | undefined;
      for (let i = 0; i < 100 && status?.channels[0]?.board.deadlines[0]?.state !== 'met'; i++) {
        const r = await run('status', '--json', '--home', w);
        assert.equal(r.code, 0, r.err);
        status = JSON.parse(r.out) as typeof status;
        if (status?.channels[0]?.board.deadlines[0]?.state !== 'met') await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(status !== undefined);
      assert.equal(status.device.key, wInit.deviceKey);
      assert.match(status.log.root, HEX64);
      assert.deepEqual([status.log.witnesses, status.log.witnessCosignatures], [[], 0]);
      assert.ok(!Number.isNaN(Date.parse(status.log.cosignedAt)), 'cosignedAt stays ISO 8601, as cli.md has always said');
      const channel = status.channels[0]!;
      assert.equal(channel.id, created.charter.id);
      assert.deepEqual(channel.members.map((x) => [x.party, x.member, x.deviceKey, x.revoked, x.roles]), [['moscow', 'Principal', mInit.deviceKey, false, ['principal']], ['washington', 'Principal', wInit.deviceKey, false, ['principal', 'admin']]]);
      const deadline = channel.board.deadlines[0]!;
      assert.deepEqual([deadline.messageId, deadline.state], [sent.statement, 'met']);
      assert.ok(typeof deadline.ackedAt === 'number' && deadline.ackedAt <= deadline.due, 'times in ms');
      assert.deepEqual(status.alerts, []);

      // Drafts: none on a home with no internal channel is an error, not an empty list.
      const drafts = await run('drafts', '--json', '--home', w);
      assert.equal(drafts.code, 2, drafts.out);

      // Remove: the device removed, by whole key.
      const removed = await json<{ channel: string; commitSeq: number; removed: Device }>('channel', 'remove', 'hotline', mInit.deviceKey.slice(0, 8), '--home', w);
      assert.deepEqual(removed.removed, { party: 'moscow', member: 'Principal', deviceKey: mInit.deviceKey });
      assert.ok(removed.commitSeq > acked.seq);

      // The relay goes away: watch --json says so as a condition, from the alerts view, and still prints what is verified.
      await relay.close();
      relayOpen = false;
      const away = await run('watch', 'hotline', '--once', '--json', '--home', w);
      assert.equal(away.code, 3, away.err);
      const lines = away.out.split('\n').map((l) => JSON.parse(l) as WatchEvent);
      assert.ok(lines.some((e) => e.event === 'statement' && e['id'] === sent.statement), 'the archive still shows the message');
      const outage = lines.find((e) => e.event === 'condition_opened') as (WatchEvent & { kind: string; code: string; startedAt: number; endedAt: null; durationMs: number }) | undefined;
      assert.ok(outage !== undefined, away.out);
      assert.deepEqual([outage.kind, outage.code, outage.endedAt], ['condition', 'unavailable', null]);
      assert.ok(Number.isInteger(outage.startedAt) && outage.durationMs >= 0);
    } finally {
      if (relayOpen) await relay.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
