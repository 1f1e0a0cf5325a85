/** The status board: hotline channels first, then the party's internal channels (drafts), the log, the alerts. */
import type { Board } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { lookalikes } from '../ui/names.js';
import { AlertsPanel } from './alerts-panel.js';
import { ChannelCard } from './channel-card.js';

export function BoardPanel({ board, selected, onSelect }: { board: Board; selected: string | null; onSelect: (id: string) => void }) {
  const { t } = useI18n();
  const hotlines = board.channels.filter((c) => !c.internal);
  const internal = board.channels.filter((c) => c.internal);
  const card = (c: Board['channels'][number]) => (
    <ChannelCard key={c.id} channel={c} frozen={c.board.frozen} selected={c.id === selected} lookalikes={lookalikes(board.names[c.id])} draftsWaiting={board.drafts.filter((d) => d.state === 'waiting').length} onSelect={onSelect} />
  );
  return (
    <section class="board" aria-labelledby="board-h" data-testid="board">
      <h2 id="board-h">{t('boardHeading')}</h2>
      <section class="panel" aria-labelledby="hotlines-h">
        <h3 id="hotlines-h" class="section-label">{t('hotlineChannels')}</h3>
        {hotlines.map(card)}
      </section>
      {internal.length > 0 && (
        <section class="panel" aria-labelledby="internal-h">
          <h3 id="internal-h" class="section-label">{t('internalChannels')}</h3>
          {internal.map(card)}
        </section>
      )}
      <section class="panel log" aria-labelledby="log-h" data-testid="log">
        <h3 id="log-h" class="section-label">{t('log')}</h3>
        <p>{board.log === null ? t('logNone') : t('logLine', { size: board.log.size, witnesses: board.log.witnesses.join(', ') || '—' })}</p>
      </section>
      <AlertsPanel alerts={board.alerts} board={board} />
    </section>
  );
}
