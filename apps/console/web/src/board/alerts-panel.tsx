/** The board's alerts: open conditions, evidence on record (kept for good), recently resolved. */
import type { AlertsView, Board } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { duration } from '../ui/duration.js';

export function AlertsPanel({ alerts, board }: { alerts: AlertsView; board: Board }) {
  const { t, time } = useI18n();
  const channelName = (id: string | null) => (id === null ? null : (board.channels.find((c) => c.id === id)?.name ?? id.slice(0, 8)));
  const empty = alerts.open.length === 0 && alerts.evidence.length === 0 && alerts.resolved.length === 0;
  return (
    <section class="panel alerts" aria-labelledby="alerts-h" data-testid="alerts">
      <h2 id="alerts-h">{t('alertsHeading')}</h2>
      {empty && <p class="quiet">{t('noAlerts')}</p>}
      {alerts.open.length > 0 && (
        <>
          <h3>{t('openConditions')}</h3>
          <ul>
            {alerts.open.map((c) => (
              <li key={c.id} class="alert alert-open" data-testid="condition" data-code={c.code}>
                <code>{c.code}</code> {c.message}
                <span class="meta">
                  {' '}
                  — {t('since', { time: time(c.startedAt) })}, {t('forDuration', { time: duration(c.durationMs, t) })}
                  {channelName(c.channel) !== null && <> · {channelName(c.channel)}</>}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {alerts.evidence.length > 0 && (
        <>
          <h3>{t('evidenceAlerts')}</h3>
          <ul>
            {alerts.evidence.map((a) => (
              <li key={a.id} class="alert alert-evidence" data-testid="evidence-alert" data-code={a.code}>
                <code>{a.code}</code> {a.message}
                <span class="meta">
                  {' '}
                  — {time(a.at)}
                  {channelName(a.channel) !== null && <> · {channelName(a.channel)}</>}
                  {a.seq !== null && <> · #{a.seq}</>}
                  {a.logIndex !== null && <> · {t('logIndexField')} {a.logIndex}</>}
                </span>
                {a.evidence !== null && (
                  <details>
                    <summary>{t('showEvidence')}</summary>
                    <dl class="kv">
                      {Object.entries(a.evidence).map(([k, v]) => (
                        <div key={k}>
                          <dt>{k}</dt>
                          <dd>
                            <pre>{v}</pre>
                          </dd>
                        </div>
                      ))}
                    </dl>
                  </details>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {alerts.resolved.length > 0 && (
        <>
          <h3>{t('resolvedConditions')}</h3>
          <ul>
            {alerts.resolved.map((c) => (
              <li key={c.id} class="alert alert-resolved" data-testid="resolved-condition" data-code={c.code}>
                <code>{c.code}</code> {c.message}
                <span class="meta"> — {t('forDuration', { time: duration(c.durationMs, t) })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
