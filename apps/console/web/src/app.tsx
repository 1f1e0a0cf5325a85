/**
 * The console page: header (who, relay, live state, language), the alarm banner, the status
 * board beside the open channel (transcript, drafts, composer, actions).
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { setLanguage } from './api/client.js';
import type { ConsoleEntry, Language } from './api/types.js';
import { activeAlarms, awaitingOurAck, worstLevel } from './alarms/alarm-state.js';
import { AlarmBanner, alarmTitle, levelWord } from './alarms/alarm-banner.js';
import { Notifier } from './alarms/notifier.js';
import { BoardPanel } from './board/board-panel.js';
import { useTerminalNow } from './clock.js';
import { ackRoles } from './composer/approval-rule.js';
import { ChannelActions } from './composer/channel-actions.js';
import { Composer } from './composer/composer.js';
import { DraftsPanel } from './composer/drafts-panel.js';
import { i18n, I18nContext, isLanguage, useI18n } from './i18n/i18n.js';
import type { State, Store } from './store.js';
import { TranscriptPanel } from './transcript/transcript-panel.js';
import { Name } from './ui/name.js';
import { lookalikes } from './ui/names.js';

function useStore(store: Store): State {
  const [state, setState] = useState(store.current);
  useEffect(() => store.subscribe(setState), [store]);
  return state;
}

export function App({ store }: { store: Store }) {
  const state = useStore(store);
  const language: Language = state.session?.language ?? 'en';
  const words = useMemo(() => i18n(language), [language]);
  const { t } = words;
  const [unlocked, setUnlocked] = useState(false);
  const notifier = useMemo(() => new Notifier(() => setUnlocked(true)), []);
  const [replyTo, setReplyTo] = useState<ConsoleEntry | null>(null);
  useEffect(() => notifier.install(), [notifier]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const { session, board } = state;
  const alarms = useMemo(() => (board === null || session === null ? [] : activeAlarms(board, session.party)), [board, session]);
  const worst = worstLevel(alarms);
  useEffect(() => {
    const title = alarms.some((a) => a.kind === 'alarm') ? t('titleAlarm') : alarms.length > 0 ? t('titleFlash') : session === null ? t('appName') : `${t('appName')} — ${session.party} / ${session.member}`;
    notifier.update(alarms, worst, title, (a) => `${levelWord(a.level, t)} ${alarmTitle(a, t)}: ${a.channel.name}${a.alarm !== null ? ` — ${a.alarm.message}` : ''}`);
  }, [alarms, worst, t, session, notifier]);

  const onOlder = useCallback(() => void store.loadOlder(), [store]);
  const refresh = useCallback(() => store.refreshBoard(), [store]);
  const selectedId = state.selected;
  const onShown = useCallback((entries: readonly ConsoleEntry[]) => selectedId !== null && store.reportRead(selectedId, entries), [store, selectedId]);
  useEffect(() => setReplyTo(null), [selectedId]);

  const changeLanguage = (value: string) => {
    if (!isLanguage(value)) return;
    store.setLanguage(value);
    void setLanguage(value).catch(() => undefined); // the choice still holds on this page
  };

  if (state.fatal !== null) {
    return (
      <I18nContext.Provider value={words}>
        <main class="fatal" data-testid="fatal">
          <h1>{t('appName')}</h1>
          <p role="alert">{state.fatal.status === 401 ? t('sessionLost') : t('loadFailed', { error: state.fatal.message })}</p>
        </main>
      </I18nContext.Provider>
    );
  }
  if (session === null || board === null) {
    return (
      <I18nContext.Provider value={words}>
        <main class="loading" aria-busy="true">
          <p>{t('loading')}</p>
        </main>
      </I18nContext.Provider>
    );
  }

  const channel = board.channels.find((c) => c.id === selectedId) ?? null;
  const frozen = channel === null ? false : channel.board.frozen;
  const names = channel === null ? lookalikes(undefined) : lookalikes(board.names[channel.id]);
  const roles = channel === null ? undefined : ackRoles(channel);
  // Acks are refused while the channel is frozen (its deadlines stop too), and need an ack role when the terminal names them.
  const mayAck = !frozen && (roles === undefined || session.roles.some((r) => roles.includes(r)));
  const drafts = channel === null ? [] : channel.internal ? board.drafts : board.drafts.filter((d) => d.channel === channel.name);

  return (
    <I18nContext.Provider value={words}>
      <header class="topbar">
        <h1 class="brand">{t('appName')}</h1>
        <p class="who" data-testid="who">
          <Name value={session.party} /> / <Name value={session.member} /> <span class="meta">{t('roles', { roles: session.roles.join(', ') })}</span>
        </p>
        <p class={`status ${board.relay.reachable ? 'status-ok' : 'status-bad'}`} data-testid="relay" data-reachable={String(board.relay.reachable)}>
          {board.relay.reachable ? t('relayReachable') : t('relayUnreachable')}
        </p>
        <p class={`status ${state.live ? 'status-ok' : 'status-warn'}`} data-testid="live" data-live={String(state.live)}>
          {state.live ? t('live') : t('liveOffline')}
        </p>
        <Clock />
        <label class="field field-inline">
          <span>{t('language')}</span>
          <select data-testid="language" value={language} onChange={(e) => changeLanguage(e.currentTarget.value)}>
            <option value="en">English</option>
            <option value="ru">Русский</option>
          </select>
        </label>
      </header>
      <AlarmBanner alarms={alarms} unlocked={unlocked} onUnlock={() => notifier.unlock()} onOpen={(id) => store.select(id)} />
      <main class="layout">
        <BoardPanel board={board} selected={selectedId} onSelect={(id) => store.select(id)} />
        <section class="channel" aria-labelledby="transcript-h" data-testid="channel" data-channel={channel?.id}>
          {channel === null || state.transcript === null ? (
            <p class="quiet">{t('noChannel')}</p>
          ) : (
            <>
              <header class="channel-head">
                <h2 id="transcript-h">
                  {t('transcriptHeading')} — <Name value={channel.name} lookalikes={names} />
                </h2>
                <label class="field-check">
                  <input type="checkbox" data-testid="show-all" checked={state.transcript.all} onChange={(e) => store.showAll(e.currentTarget.checked)} /> {t('showAll')}
                </label>
                {!channel.internal && <ChannelActions channel={channel.id} frozen={frozen} onDone={refresh} />}
              </header>
              <TranscriptPanel transcript={state.transcript} lookalikes={names} awaiting={awaitingOurAck(board, session.party)} mayAck={mayAck} device={session.device} onOlder={onOlder} onReply={setReplyTo} onAcked={refresh} onShown={onShown} />
              {(channel.internal || drafts.length > 0) && <DraftsPanel drafts={drafts} device={session.device} onDone={refresh} />}
              {channel.internal ? (
                <p class="quiet">{t('internalNoComposer')}</p>
              ) : (
                <Composer channel={channel} frozen={frozen} session={session} replyTo={replyTo} onClearReply={() => setReplyTo(null)} onDone={refresh} />
              )}
            </>
          )}
        </section>
      </main>
    </I18nContext.Provider>
  );
}

function Clock() {
  const { t, time } = useI18n();
  const now = useTerminalNow(1000);
  return (
    <p class="clock" data-testid="terminal-clock" data-now={now}>
      <span class="meta">{t('terminalTime')}</span> <time dateTime={new Date(now).toISOString()}>{time(now)}</time>
    </p>
  );
}
