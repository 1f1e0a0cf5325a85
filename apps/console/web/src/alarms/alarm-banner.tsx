/** The alarm banner: red, at the top, one line per open alarm; gone when the board has none. */
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { Name } from '../ui/name.js';
import type { ActiveAlarm } from './alarm-state.js';

const CODE: Readonly<Record<string, MessageKey>> = { ack_overdue: 'alarmAckOverdue', party_late: 'alarmPartyLate', party_silent: 'alarmPartySilent' };
const LEVEL: Readonly<Record<string, MessageKey>> = { overdue: 'levelOverdue', escalated: 'levelEscalated', critical: 'levelCritical', late: 'levelLate', silent: 'levelSilent', flash: 'levelFlash' };

export function levelWord(level: string, t: ReturnType<typeof useI18n>['t']): string {
  const key = LEVEL[level];
  return key === undefined ? level.toUpperCase() : t(key);
}

export function alarmTitle(a: ActiveAlarm, t: ReturnType<typeof useI18n>['t']): string {
  if (a.kind === 'flash') return t('alarmFlash');
  const key = CODE[a.alarm?.code ?? ''];
  return key === undefined ? (a.alarm?.code ?? '') : t(key);
}

export function AlarmBanner({ alarms, unlocked, onUnlock, onOpen }: { alarms: readonly ActiveAlarm[]; unlocked: boolean; onUnlock: () => void; onOpen: (channel: string) => void }) {
  const { t } = useI18n();
  const board = alarms.filter((a) => a.kind === 'alarm');
  const flashes = alarms.filter((a) => a.kind === 'flash');
  return (
    <div class="alarm-area">
      {board.length > 0 && (
        <section class="alarm-banner" role="alert" aria-labelledby="alarm-h" data-testid="alarm-banner" data-count={board.length}>
          <h2 id="alarm-h">{t('alarmsHeading')}</h2>
          <ul>{board.map((a) => <AlarmLine key={a.key} a={a} onOpen={onOpen} />)}</ul>
        </section>
      )}
      {flashes.length > 0 && (
        <section class="flash-banner" role="alert" aria-label={t('alarmFlash')} data-testid="flash-banner" data-count={flashes.length}>
          <ul>{flashes.map((a) => <AlarmLine key={a.key} a={a} onOpen={onOpen} />)}</ul>
        </section>
      )}
      {alarms.length > 0 && !unlocked && (
        <button type="button" class="button" data-testid="enable-alerts" onClick={onUnlock}>
          {t('enableAlerts')}
        </button>
      )}
    </div>
  );
}

function AlarmLine({ a, onOpen }: { a: ActiveAlarm; onOpen: (channel: string) => void }) {
  const { t } = useI18n();
  return (
    <li class={`alarm alarm-${a.level}`} data-testid="alarm" data-code={a.alarm?.code ?? 'flash'} data-level={a.level} data-seq={a.alarm?.seq ?? a.deadline?.seq ?? ''}>
      <strong class="alarm-level">{levelWord(a.level, t)}</strong> <span class="alarm-title">{alarmTitle(a, t)}</span>
      {' — '}
      <button type="button" class="link-button" onClick={() => onOpen(a.channel.id)}>
        <Name value={a.channel.name} />
      </button>
      {a.alarm !== null && <span class="alarm-message"> {a.alarm.message}</span>}
      {a.deadline !== null && <span class="alarm-message"> #{a.deadline.seq} · {a.deadline.from}</span>}
    </li>
  );
}
