/** The one process clock: Date.now() shifted by HOTLINE_CLOCK_OFFSET_FILE, re-read while running. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOCK_OFFSET_ENV, ClockError, seconds, systemClock } from '../src/clock.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('without the variable the clock is Date.now; with it, shifted by the file, which is re-read while running', async () => {
  assert.equal(systemClock({}), Date.now);
  const dir = mkdtempSync(join(tmpdir(), 'hotline-clock-'));
  try {
    const file = join(dir, 'offset');
    writeFileSync(file, '600000\n');
    const clock = systemClock({ [CLOCK_OFFSET_ENV]: file });
    assert.ok(Math.abs(clock() - (Date.now() + 600_000)) < 1000);
    writeFileSync(file, '-3600000');
    await sleep(80);
    assert.ok(Math.abs(clock() - (Date.now() - 3_600_000)) < 1000, 'a new offset takes effect without a restart');
    assert.ok(Math.abs(seconds(clock)() - Math.floor((Date.now() - 3_600_000) / 1000)) <= 1);
    const missing = systemClock({ [CLOCK_OFFSET_ENV]: join(dir, 'none') });
    assert.ok(Math.abs(missing() - Date.now()) < 1000, 'a missing file is offset 0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed offset file is an error naming the file, never a silent 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-clock-'));
  try {
    const file = join(dir, 'offset');
    writeFileSync(file, 'ten minutes');
    assert.throws(() => systemClock({ [CLOCK_OFFSET_ENV]: file }), (e: unknown) => e instanceof ClockError && /expected an integer offset in milliseconds/.test(e.message) && e.message.includes(file));
    writeFileSync(file, '5');
    const clock = systemClock({ [CLOCK_OFFSET_ENV]: file });
    // Caught mid-write (empty for a moment): the last offset holds, no failure.
    writeFileSync(file, '');
    await sleep(80);
    const during = clock() - Date.now();
    assert.ok(Math.abs(during - 5) <= 2, `the last offset holds while the file reads empty (${during})`);
    writeFileSync(file, '7');
    await sleep(80);
    assert.ok(Math.abs(clock() - Date.now() - 7) <= 2, 'and the new one is taken once it parses');
    writeFileSync(file, '1e9');
    await sleep(80);
    clock(); // the first bad read keeps the last offset
    await sleep(2100);
    assert.throws(() => clock(), ClockError, 'a file that stays broken while running is refused too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
