/** The browser check's answer for an entry: "checked in this browser", or the step it disagrees at. */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleEntry, Evidence } from '../api/types.js';
import type { CheckStep } from '../../../src/shared/check/check-evidence.js';
import { checkFetched, checkState, keyOf, onCheck, requestCheck } from '../check/check-queue.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';

const STEP: Readonly<Record<CheckStep, MessageKey>> = {
  decode: 'stepDecode',
  author: 'stepAuthor',
  signature: 'stepSignature',
  record: 'stepRecord',
  seq: 'stepSeq',
  stream: 'stepStream',
  channel: 'stepChannel',
  commitment: 'stepCommitment',
  leaf: 'stepLeaf',
  noCheckpoint: 'stepNoCheckpoint',
  checkpoint: 'stepCheckpoint',
  checkpointSize: 'stepCheckpointSize',
  witnesses: 'stepWitnesses',
  logKey: 'stepLogKey',
  inclusion: 'stepInclusion',
  crypto: 'stepCrypto',
};

/** Re-renders when this entry's check changes state (not when any other row's does). */
function useCheck(key: string): void {
  const [, setTick] = useState(0);
  useEffect(() => onCheck((changed) => changed === key && setTick((n) => n + 1)), [key]);
}

export function BrowserCheck({ channel, entry, evidence, detailed = false }: { channel: string; entry: ConsoleEntry; evidence?: Evidence | null; detailed?: boolean }) {
  const { t } = useI18n();
  useCheck(keyOf(channel, entry.seq, entry.id));
  const verified = entry.badge.state === 'verified';
  useEffect(() => {
    if (verified) requestCheck(channel, entry.seq, entry.id);
  }, [channel, entry.seq, entry.id, verified]);
  if (!verified) return detailed ? <p class="check check-na" data-testid="browser-check" data-state="not-applicable">{t('checkNotApplicable')}</p> : null;
  const s = checkState(channel, entry.seq, entry.id);
  const state = s === undefined ? 'not-run' : s.state;
  const text =
    s === undefined ? t('checkNotRun')
    : s.state === 'checking' ? t('checkRunning')
    : s.state === 'agrees' ? t('checkAgrees')
    : s.state === 'disagrees' ? t('checkDisagrees', { step: t(STEP[s.result.step]) })
    : t('evidenceFailed', { error: s.error });
  return (
    <div class={`check check-${state}`} data-testid="browser-check" data-state={state} data-step={s?.state === 'disagrees' ? s.result.step : undefined} role="status">
      <span aria-hidden="true">{state === 'agrees' ? '✓ ' : state === 'disagrees' ? '✗ ' : ''}</span>
      {text}
      {detailed && s?.state === 'disagrees' && <span class="check-detail"> ({s.result.detail})</span>}
      {detailed && (
        <button type="button" class="button button-small" data-testid="browser-check-run" onClick={() => (evidence ? void checkFetched(channel, entry.seq, entry.id, evidence) : requestCheck(channel, entry.seq, entry.id, true))}>
          {t('browserCheck')}
        </button>
      )}
    </div>
  );
}
