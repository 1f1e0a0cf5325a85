/**
 * One channel on the status board: its parties' liveness and how far each co-signed the
 * transcript, its acknowledgement deadlines with live countdowns (terminal clock), its alarms.
 */
import type { ChannelView, Deadline, PartyBoard } from '../api/types.js';
import { useTerminalNow } from '../clock.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { duration } from '../ui/duration.js';
import { Name } from '../ui/name.js';
import type { Lookalikes } from '../ui/names.js';

const LIVENESS: Readonly<Record<string, MessageKey>> = { live: 'livenessLive', late: 'livenessLate', silent: 'livenessSilent', frozen: 'livenessFrozen' };
const DEADLINE: Readonly<Record<string, MessageKey>> = { pending: 'deadlinePending', met: 'deadlineMet', overdue: 'deadlineOverdue', escalated: 'deadlineEscalated', critical: 'deadlineCritical' };

interface Props {
  channel: ChannelView;
  frozen: boolean;
  selected: boolean;
  lookalikes: Lookalikes;
  /** For an internal channel: its party's drafts still waiting for approvals. */
  draftsWaiting: number;
  onSelect: (id: string) => void;
}

export function ChannelCard({ channel, frozen, selected, lookalikes, draftsWaiting, onSelect }: Props) {
  const { t } = useI18n();
  const open = channel.board.deadlines.filter((d) => d.state !== 'met');
  return (
    <article class={`channel-card${selected ? ' selected' : ''}${channel.internal ? ' internal' : ''}`} data-testid="channel-card" data-channel={channel.id} aria-labelledby={`ch-${channel.id}`}>
      <header class="channel-card-head">
        <h3 id={`ch-${channel.id}`}>
          <button type="button" class="link-button" data-testid="channel-open" aria-current={selected ? 'true' : undefined} onClick={() => onSelect(channel.id)}>
            <Name value={channel.name} lookalikes={lookalikes} />
          </button>
        </h3>
        {frozen && (
          <span class="tag tag-frozen" data-testid="frozen-tag">
            {t('frozenChannel')}
          </span>
        )}
      </header>
      <p class="meta">
        <span data-testid="channel-head">{t('head', { seq: channel.head.seq })}</span> · {t('epoch', { epoch: channel.epoch })}
        {channel.keyUpdateDue && <> · {t('keyUpdateDue')}</>}
        {channel.unsent > 0 && <> · {t('unsent', { count: channel.unsent })}</>}
      </p>
      {channel.internal && (
        <p class={draftsWaiting > 0 ? 'drafts-waiting' : 'quiet'} data-testid="drafts-waiting" data-count={draftsWaiting}>
          {t('draftsWaiting', { count: draftsWaiting })}
        </p>
      )}
      {!channel.internal && <Parties parties={channel.board.parties} head={channel.head.seq} lookalikes={lookalikes} />}
      {!channel.internal && <Deadlines deadlines={open} lookalikes={lookalikes} frozen={frozen} />}
    </article>
  );
}

function Parties({ parties, head, lookalikes }: { parties: readonly PartyBoard[]; head: number; lookalikes: Lookalikes }) {
  const { t, time } = useI18n();
  return (
    <table class="parties">
      <caption class="visually-hidden">{t('parties')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('party')}</th>
          <th scope="col">{t('liveness')}</th>
          <th scope="col">{t('cosigned')}</th>
          <th scope="col">{t('lastHeartbeat')}</th>
        </tr>
      </thead>
      <tbody>
        {parties.map((p) => (
          <tr key={p.party} data-testid="party-row" data-party={p.party}>
            <th scope="row">
              <Name value={p.party} lookalikes={lookalikes} />
            </th>
            <td>
              <span class={`liveness liveness-${p.state}`} data-testid="liveness" data-state={p.state} title={p.reason ?? undefined}>
                {t(LIVENESS[p.state] ?? 'livenessSilent')}
              </span>
              {p.reason !== null && <span class="reason"> {p.reason}</span>}
            </td>
            <td>
              <span data-testid="cosigned" data-seq={p.cosignedSeq} data-head={head}>
                {t('cosignedOf', { seq: p.cosignedSeq, head })}
              </span>
              <progress class="cosign" max={Math.max(head, 1)} value={Math.min(p.cosignedSeq, head)} aria-label={t('cosignedOf', { seq: p.cosignedSeq, head })} />
            </td>
            <td>{p.lastHeartbeat === null ? t('never') : time(p.lastHeartbeat)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Deadlines({ deadlines, lookalikes, frozen }: { deadlines: readonly Deadline[]; lookalikes: Lookalikes; frozen: boolean }) {
  const { t } = useI18n();
  const now = useTerminalNow(1000, deadlines.length > 0 && !frozen);
  return (
    <section class="deadlines" aria-label={t('deadlines')}>
      <h4>{t('deadlines')}</h4>
      {deadlines.length === 0 ? (
        <p class="quiet">{t('noDeadlines')}</p>
      ) : (
        <ul>
          {deadlines.map((d) => {
            const left = d.due - now;
            return (
              <li key={`${d.messageId} ${d.to}`} class={`deadline deadline-${d.state}`} data-testid="deadline" data-state={d.state} data-seq={d.seq} data-to={d.to}>
                <span class="deadline-what">
                  {t('deadlineLine', { precedence: d.precedence, seq: d.seq })}{' '}
                  <Name value={d.from} lookalikes={lookalikes} /> → <Name value={d.to} lookalikes={lookalikes} />
                </span>
                <span class="deadline-state">{t(DEADLINE[d.state] ?? 'deadlinePending')}</span>
                <span class="countdown" data-testid="countdown" data-due={d.due} role="timer">
                  {d.ackedAt !== null ? '' : left > 0 ? t('dueIn', { time: duration(left, t) }) : t('overdueBy', { time: duration(-left, t) })}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
