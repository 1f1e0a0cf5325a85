/**
 * The main job end to end with real processes (issue 5): `hotline demo` starts a relay and two
 * witnesses as processes and sets up Washington and Moscow; then the commands it prints are
 * run exactly as printed, each as its own process, as a newcomer would type them in another
 * shell — messages go both ways and every terminal verifies them. Ctrl-C stops everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatVerifierKey, KeyType, signerKeyFromSeed, verifierKeyOf } from '@hotline/log';
import { encodeCanonicalJson, type Json } from '@hotline/verify';
import { HOTLINE_BIN } from './processes.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Runs a printed command line through the shell, from the repository root, as typed. */
function typed(line: string): { code: number; out: string; err: string } {
  const result = spawnSync('sh', ['-c', line], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, out: result.stdout, err: result.stderr };
}

test('npm start\'s demo: two parties exchange verified messages; the printed commands work from another shell', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-demo-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const demo = spawn(process.execPath, [HOTLINE_BIN, 'demo', '--dir', join(dir, 'demo'), '--follow-ms', '200'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  demo.stdout.on('data', (d: Buffer) => (out += d.toString()));
  demo.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
  try {
    const deadline = Date.now() + 90_000;
    while (!out.includes('Ctrl-C here stops the servers')) {
      assert.ok(Date.now() < deadline, `the demo did not get ready:\n${out}\n${err}`);
      assert.equal(demo.exitCode, null, `the demo exited early:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const text of ['Washington to Moscow: FLASH\\. Confirm this line is secure, end to end\\. {2}\\(approved by washington / (Operator|Deputy), washington / (Operator|Deputy)\\)', 'Moscow confirms: received and verified', 'Washington operator: hourly line test', 'Washington operator: PRIORITY']) {
      assert.match(out, new RegExp(`\\] {2}${text}`), `the verified transcript shows: ${text}`);
    }
    assert.match(out, /moscow \/ Principal {2}ACKNOWLEDGES #\d+: received and understood/, 'the FLASH is acknowledged');
    assert.match(out, /ack FLASH +#\d+ washington → moscow: acknowledged/, 'within its deadline');
    assert.match(out, /!! ALARM ack_overdue OVERDUE: PRIORITY message/, 'the missed acknowledgement raises an alarm');
    assert.match(out, /washington +LIVE .*co-signed the transcript to #\d+/, 'a live status board');
    assert.match(out, /alerts {4}none/, 'nothing failed to verify');
    assert.match(out, /2 witness cosignature\(s\)/, 'checkpoints are cosigned by both parties\' witnesses');
    // The demo ends by exporting its channel and verifying the bundle offline.
    assert.match(out, /10\. The record: Moscow's principal exports washington-moscow from its archive alone/);
    assert.match(out, /^ {3}exported washington-moscow seq 1\.\.\d+: \d+ statements/m);
    assert.match(out, /^ {3}verified \S+record\.json: channel washington-moscow \(washington, moscow\)$/m);
    assert.match(out, /^ {3}trust basis: roots moscow\+[0-9a-f]{8}…, washington\+[0-9a-f]{8}…|^ {3}trust basis: roots washington\+[0-9a-f]{8}…, moscow\+[0-9a-f]{8}…/m);
    assert.match(out, /certificates valid at record time/);
    assert.match(out, /^ {3}\d+ statements, 0 withheld, seq 1\.\.\d+ complete/m);
    assert.match(out, /^ {3}hotline rules: every statement keeps them$/m, 'the terminals\' rules ran on the record, and the demo broke none');
    assert.match(out, /^ {3}Renderings of the record \(for reading; the bundle is the evidence\): \S+record\.html and \S+record\.pdf$/m);

    const printed = out.split('\n').filter((l) => l.startsWith('  npm run -s hotline -- ')).map((l) => l.trim());
    assert.ok(printed.every((l) => !/ send .*acknowledges/i.test(l)), 'no printed send pretends to be an acknowledgement');
    const prioritySeq = /#(\d+) .*Washington operator: PRIORITY/.exec(out)?.[1];
    assert.ok(prioritySeq !== undefined, 'the transcript shows the PRIORITY and its seq');
    const find = (what: RegExp) => {
      const line = printed.find((l) => what.test(l));
      assert.ok(line !== undefined, `the demo prints a command matching ${what}:\n${printed.join('\n')}`);
      return line;
    };
    // The record's verify command, as printed, from another shell: the PDF is this bundle's rendering.
    const verifyRendering = typed(find(/ verify \S+record\.json .*--rendering \S+record\.pdf$/));
    assert.equal(verifyRendering.code, 0, verifyRendering.err);
    assert.match(verifyRendering.out, /this bundle's PDF rendering, byte for byte/);
    // Washington → Moscow, as printed.
    const sendWashington = typed(find(/send .*--home \S+washington-principal/));
    assert.equal(sendWashington.code, 0, sendWashington.err);
    assert.match(sendWashington.out, /^sent to washington-moscow: seq \d+, log index \d+/);
    // Moscow → Washington, as printed.
    const sendMoscow = typed(find(/send .*--home \S+moscow-principal/));
    assert.equal(sendMoscow.code, 0, sendMoscow.err);
    // `--` ends the options: text that looks like an option is sent as text, even --help.
    const washingtonHome = /--home (\S+washington-principal)/.exec(find(/send .*--home \S+washington-principal/))?.[1];
    for (const text of ['--- STOP ---', '--help']) {
      const sent = typed(`npm run -s hotline -- send washington-moscow --home ${washingtonHome} -- '${text}'`);
      assert.equal(sent.code, 0, sent.err + sent.out);
      assert.match(sent.out, /^sent to washington-moscow: seq \d+/);
    }
    // The drafts, as data: the FLASH the demo drafted, with whole ids and its approvals.
    const listed = typed(`npm run -s hotline -- drafts --json --home ${washingtonHome}`);
    assert.equal(listed.code, 0, listed.err);
    const flash = (JSON.parse(listed.out) as { drafts: { id: string; precedence: string; approvedBy: string[]; required: number; sent: string | null }[] }).drafts.find((d) => d.precedence === 'flash');
    assert.ok(flash !== undefined, listed.out);
    assert.match(flash.id, /^[0-9a-f]{64}$/);
    assert.match(flash.sent ?? '', /^[0-9a-f]{64}$/);
    assert.equal(flash.approvedBy.length, flash.required);
    // Moscow's operator watches (the printed watch command, once, so it returns).
    const watchLine = find(/ watch /);
    let seen = '';
    for (let i = 0; i < 50 && !/Moscow here: your message is received\./.test(seen); i++) {
      const watched = typed(`${watchLine} --once --history 100`);
      assert.equal(watched.code, 0, watched.err + watched.out);
      seen = watched.out;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(seen, /washington \/ Principal {2}\[IMMEDIATE\] {2}Washington here: please acknowledge\./);
    assert.match(seen, /moscow \/ Principal {2}\[ROUTINE\] {2}Moscow here: your message is received\./);
    for (let i = 0; i < 50 && !/\[ROUTINE\] {2}--help$/m.test(seen); i++) {
      seen = typed(`${watchLine} --once --history 100`).out;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(seen, /washington \/ Principal {2}\[ROUTINE\] {2}--- STOP ---$/m, 'text after -- is sent as typed');
    assert.match(seen, /washington \/ Principal {2}\[ROUTINE\] {2}--help$/m, '--help after -- is text, not help');
    assert.doesNotMatch(seen, /ALERT/);
    // Washington's operator sees Moscow's reply too: both ways.
    // With the alarm hook: the PRIORITY deadline has passed unacknowledged.
    const alarmFile = join(dir, 'alarms.txt');
    const washingtonView = typed(`${watchLine.replace('moscow-operator', 'washington-operator')} --once --history 100 --on-alarm 'echo "$HOTLINE_ALARM_CODE $HOTLINE_ALARM_LEVEL $HOTLINE_CHANNEL" >> ${alarmFile}'`);
    assert.equal(washingtonView.code, 0, washingtonView.err);
    assert.match(washingtonView.out, /Moscow here: your message is received\./);
    // The level depends on how long the typed commands took (a loaded machine passes the escalation point too).
    assert.match(washingtonView.out, /!! ALARM ack_overdue (OVERDUE|ESCALATED|CRITICAL)/);
    for (let i = 0; i < 50 && !existsSync(alarmFile); i++) await new Promise((r) => setTimeout(r, 50));
    // Once, at whatever level the elapsed time reached (as above: a loaded machine passes the escalation point).
    assert.match(readFileSync(alarmFile, 'utf8'), /^ack_overdue (overdue|escalated|critical) washington-moscow\n$/, 'the --on-alarm hook ran once, with the alarm in its environment');
    // Moscow's principal acknowledges the overdue PRIORITY, as printed: the alarm clears.
    const ack = typed(find(/ ack /));
    assert.equal(ack.code, 0, ack.err + ack.out);
    assert.match(ack.out, /^acknowledged [0-9a-f]{12} in washington-moscow: seq \d+/);
    assert.match(find(/ ack /), /^npm run -s hotline -- ack washington-moscow [0-9a-f]{12} --home \S+moscow-principal$/, 'a real ack command: CHANNEL and ID');
    // What it signed is an acknowledgement of the PRIORITY, as every other terminal sees it.
    let acked = '';
    for (let i = 0; i < 50 && !/ACKNOWLEDGES/.test(acked.split('PRIORITY').at(-1) ?? ''); i++) {
      acked = typed(`${watchLine} --once --history 100`).out;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(acked, new RegExp(`moscow / Principal {2}ACKNOWLEDGES #${prioritySeq}: received and understood`), acked);
    let status = typed(find(/ status /));
    for (let i = 0; i < 50 && status.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = typed(find(/ status /));
    }
    assert.equal(status.code, 0, status.err + status.out);
    assert.match(status.out, /ack PRIORITY +#\d+ washington → moscow: OVERDUE \(due .*, acknowledged/, 'late, and on the record as late');
    assert.match(status.out, /members: moscow \/ Operator; moscow \/ Principal; washington \/ Deputy; washington \/ Operator; washington \/ Principal/);
    // The printed verify command, typed: offline, only the roots and the policy.
    const verifyLine = find(/ verify \S+record\.json --root \S+ --root \S+ --policy \S+witness-policy\.txt$/);
    const reverified = typed(verifyLine);
    assert.equal(reverified.code, 0, reverified.err + reverified.out);
    assert.match(reverified.out, /seq 1\.\.\d+ complete/);
    const show = typed(find(/ channel show /));
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /party {5}moscow .* SIGNED/);
    // The demo itself, following as Moscow's principal, showed the new messages.
    // It follows the archive, so it shows what other processes on its home archived (the send
    // and the ack typed above, as moscow-principal) as well as what it verified itself: each
    // once, in seq order, and nothing else.
    const followed = () => out.split('\n').filter((l) => l.startsWith("[moscow principal's terminal] "));
    for (let i = 0; i < 100 && !followed().some((l) => /ACKNOWLEDGES/.test(l)); i++) await new Promise((r) => setTimeout(r, 100));
    const lines = followed();
    for (const text of ['Washington here: please acknowledge.', 'Moscow here: your message is received.', `ACKNOWLEDGES #${prioritySeq}`]) {
      assert.equal(lines.filter((l) => l.includes(text)).length, 1, `shown once: ${text}\n${lines.join('\n')}`);
    }
    const seqs = lines.map((l) => Number(/\] #(\d+) /.exec(l)?.[1]));
    assert.ok(seqs.every((seq, i) => Number.isInteger(seq) && (i === 0 || seq > seqs[i - 1]!)), `in seq order, each a transcript line:\n${lines.join('\n')}`);
    assert.doesNotMatch(out, /Cannot read properties|retrying/);
  } finally {
    demo.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 0, err);
  }
  assert.match(out, /stopped the relay and the witnesses/);
  for (const pid of [...out.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]))) {
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 100));
      } catch {
        gone = true;
      }
    }
    if (!gone) process.kill(pid, 'SIGKILL'); // leave nothing running, then fail
    assert.ok(gone, `server pid ${pid} stopped with the demo`);
  }
  recordOffline(join(dir, 'demo'));
});

/**
 * With the demo's relay and witnesses stopped: a record exported from a home's archive alone
 * verifies with only the two roots and the witness policy; with a wrong root, or a policy whose
 * quorum needs a witness that never cosigned, it fails and names why.
 */
function recordOffline(demoDir: string): void {
  const cli = (...argv: string[]) => {
    const r = spawnSync(process.execPath, [HOTLINE_BIN, ...argv], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  const home = join(demoDir, 'homes', 'moscow-principal');
  const bundle = join(demoDir, 'offline-record.json');
  const exported = cli('export', 'washington-moscow', '--out', bundle, '--home', home);
  assert.equal(exported.code, 0, exported.err);
  const roots = cli('party', 'list', '--json', '--home', home);
  const vkeys = (JSON.parse(roots.out) as { trusted: string[] }).trusted;
  assert.equal(vkeys.length, 2, `the home pins both roots:\n${roots.out}`);
  const policy = join(demoDir, 'witness-policy.txt');
  const ok = cli('verify', bundle, ...vkeys.flatMap((v) => ['--root', v]), '--policy', policy);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /seq 1\.\.\d+ complete/);
  const moscow = vkeys.find((v) => v.startsWith('moscow+'))!;
  const washington = vkeys.find((v) => v.startsWith('washington+'))!;
  const impostor = formatVerifierKey(verifierKeyOf(signerKeyFromSeed('moscow', KeyType.ed25519, new Uint8Array(32).fill(9))));
  const wrongRoot = cli('verify', bundle, '--root', washington, '--root', impostor, '--policy', policy);
  assert.equal(wrongRoot.code, 1, wrongRoot.err);
  assert.match(wrongRoot.err, /first failure: step trust/);
  assert.match(wrongRoot.err, /moscow/);
  assert.ok(moscow !== impostor);
  const absent = formatVerifierKey(verifierKeyOf(signerKeyFromSeed('witness.absent.example', KeyType.cosignatureV1, new Uint8Array(32).fill(7))));
  const text = readFileSync(policy, 'utf8');
  const needsAbsent = join(demoDir, 'policy-with-absent-witness.txt');
  writeFileSync(needsAbsent, text.replace(/^quorum .*$/m, '').trimEnd() + `\nwitness absent ${absent}\ngroup all3 all washington moscow absent\nquorum all3\n`);
  const otherPolicy = cli('verify', bundle, '--root', washington, '--root', moscow, '--policy', needsAbsent);
  assert.equal(otherPolicy.code, 1, otherPolicy.err + otherPolicy.out);
  assert.match(otherPolicy.err, /first failure: step trust, charter \(policy_mismatch\)/, 'a policy other than the charter\'s is named, not half-applied');
  // The checkpoints without Moscow's witness: its cosignature lines cut from every embedded note.
  const doc = JSON.parse(readFileSync(bundle, 'utf8')) as { checkpoints: string[] } & Record<string, unknown>;
  const cut = { ...doc, checkpoints: doc.checkpoints.map((note) => note.split('\n').filter((l) => !l.startsWith('\u2014 witness.moscow.example ')).join('\n')) };
  assert.notDeepEqual(cut.checkpoints, doc.checkpoints, 'the demo\'s checkpoints carry Moscow\'s witness cosignature');
  const withoutWitness = join(demoDir, 'record-without-moscow-witness.json');
  writeFileSync(withoutWitness, encodeCanonicalJson(cut as Json));
  const missing = cli('verify', withoutWitness, '--root', washington, '--root', moscow, '--policy', policy);
  assert.equal(missing.code, 1, missing.err + missing.out);
  assert.match(missing.err, /first failure: step checkpoints, checkpoint 0/);
  assert.doesNotMatch(missing.err + wrongRoot.err + otherPolicy.err, /\n\s+at /, 'no stack trace');
}
