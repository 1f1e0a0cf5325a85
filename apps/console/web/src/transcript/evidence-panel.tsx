/**
 * Why a badge says what it says (issue 13 item 3): the checkpoint, its witnesses, the author's
 * certificate at record time, the log index and receive time, the alert if any — and the
 * browser's own check of the same evidence (src/shared/check/check-evidence.ts).
 */
import { useEffect, useState } from 'preact/hooks';
import { getEvidence } from '../api/client.js';
import type { ConsoleEntry, Evidence } from '../api/types.js';
import { checkFetched } from '../check/check-queue.js';
import { useI18n } from '../i18n/i18n.js';
import { Name } from '../ui/name.js';
import type { Lookalikes } from '../ui/names.js';
import { BADGE_WHY, BadgeWord } from './badge.js';
import { BrowserCheck } from './browser-check.js';

export function EvidencePanel({ channel, entry, lookalikes, id }: { channel: string; entry: ConsoleEntry; lookalikes: Lookalikes; id: string }) {
  const { t, time } = useI18n();
  const [evidence, setEvidence] = useState<Evidence | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    getEvidence(channel, entry.seq)
      .then((ev) => {
        if (!live) return;
        setEvidence(ev);
        if (ev.badge.state === 'verified') void checkFetched(channel, entry.seq, entry.id, ev);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [channel, entry.seq, entry.id, entry.badge.state]);
  const ev = entry.evidence;
  const author = evidence?.author ?? ev.author;
  const checkpoint = evidence?.checkpoint ?? ev.checkpoint;
  const alert = evidence?.badge.alert ?? entry.badge.alert;
  return (
    <section class="evidence-panel" id={id} data-testid="evidence-panel" aria-label={t('evidenceFor', { seq: entry.seq })}>
      <p class="evidence-why">
        <BadgeWord state={entry.badge.state} /> {t(BADGE_WHY[entry.badge.state])}
      </p>
      <dl class="kv">
        <div data-testid="evidence-checkpoint" data-size={checkpoint?.size ?? ''}>
          <dt>{t('checkpointField')}</dt>
          <dd>{checkpoint === null ? t('checkpointNone') : t('checkpointSize', { size: checkpoint.size })}</dd>
        </div>
        <div data-testid="evidence-witnesses">
          <dt>{t('witnessesField')}</dt>
          <dd>{checkpoint === null || checkpoint.witnesses.length === 0 ? '—' : checkpoint.witnesses.map((w, i) => <span key={w}>{i > 0 && ', '}<Name value={w} /></span>)}</dd>
        </div>
        <div data-testid="evidence-certificate">
          <dt>{t('certificateField')}</dt>
          <dd>
            {author === null ? (
              t('certificateUnknown')
            ) : (
              <>
                <Name value={author.party} lookalikes={lookalikes} /> / <Name value={author.member} lookalikes={lookalikes} /> — {t('roles', { roles: author.roles.join(', ') || '—' })}
                {evidence !== null && evidence.author.certificateLogIndex !== null && <> · {t('certificateAt', { index: evidence.author.certificateLogIndex })}</>}
              </>
            )}
          </dd>
        </div>
        {author !== null && (
          <div>
            <dt>{t('deviceKeyField')}</dt>
            <dd>
              <code class="hex">{author.deviceKey}</code>
            </dd>
          </div>
        )}
        <div data-testid="evidence-log-index">
          <dt>{t('logIndexField')}</dt>
          <dd>{ev.logIndex}</dd>
        </div>
        <div data-testid="evidence-received">
          <dt>{t('receivedField')}</dt>
          <dd>{time(ev.receivedAt)}</dd>
        </div>
        <div>
          <dt>{t('claimedField')}</dt>
          <dd>{time(entry.time)}</dd>
        </div>
        <div>
          <dt>{t('statementIdField')}</dt>
          <dd>
            <code class="hex">{entry.id}</code>
          </dd>
        </div>
        {alert !== null && (
          <div data-testid="evidence-alert" data-code={alert.code}>
            <dt>{t('alertField')}</dt>
            <dd>
              <code>{alert.code}</code> {alert.message}
            </dd>
          </div>
        )}
      </dl>
      {evidence === null && error === null && <p class="quiet">{t('evidenceLoading')}</p>}
      {error !== null && (
        <p class="error" role="alert">
          {t('evidenceFailed', { error })}
        </p>
      )}
      <BrowserCheck channel={channel} entry={entry} evidence={evidence} detailed />
    </section>
  );
}
