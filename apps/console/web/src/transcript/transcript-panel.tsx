/**
 * The open channel's transcript: the newest PAGE_SIZE entries, older ones loaded when the member
 * scrolls to the top (or presses the button), following the bottom while new entries arrive if
 * the member is there.
 */
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { ConsoleEntry, Deadline } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import type { Lookalikes } from '../ui/names.js';
import type { TranscriptState } from '../store.js';
import { EntryRow } from './entry-row.js';

interface Props {
  transcript: TranscriptState;
  lookalikes: Lookalikes;
  awaiting: ReadonlyMap<string, Deadline>;
  mayAck: boolean;
  device: string;
  onOlder: () => void;
  onReply: (entry: ConsoleEntry) => void;
  onAcked: () => void;
  onShown: (entries: readonly ConsoleEntry[]) => void;
}

export function TranscriptPanel({ transcript, lookalikes, awaiting, mayAck, device, onOlder, onReply, onAcked, onShown }: Props) {
  const { t } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const heightBefore = useRef(0);
  const firstSeq = useRef<number | undefined>(undefined);
  const { entries } = transcript;

  // Keep the reading position when older entries are prepended; follow the bottom otherwise.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const first = entries[0]?.seq;
    if (firstSeq.current !== undefined && first !== undefined && first < firstSeq.current) el.scrollTop += el.scrollHeight - heightBefore.current;
    else if (atBottom.current) el.scrollTop = el.scrollHeight;
    firstSeq.current = first;
    heightBefore.current = el.scrollHeight;
  }, [entries]);

  useEffect(() => {
    const el = sentinel.current;
    if (el === null || !transcript.more || typeof IntersectionObserver === 'undefined') return undefined;
    const io = new IntersectionObserver((seen) => seen.some((s) => s.isIntersecting) && onOlder(), { root: scroller.current, rootMargin: '200px 0px 0px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [transcript.more, onOlder, entries.length > 0]);

  useEffect(() => {
    if (document.visibilityState === 'visible') onShown(entries);
  }, [entries, onShown]);

  const onScroll = () => {
    const el = scroller.current;
    if (el !== null) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };

  return (
    <div class="transcript-scroll" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label={t('transcriptHeading')} data-testid="transcript">
      <div ref={sentinel} />
      {transcript.more ? (
        <button type="button" class="button button-quiet older" data-testid="load-older" disabled={transcript.loadingOlder} onClick={onOlder}>
          {transcript.loadingOlder ? t('loadingOlder') : t('loadOlder')}
        </button>
      ) : (
        entries.length > 0 && <p class="quiet beginning">{t('beginning')}</p>
      )}
      {entries.length === 0 && <p class="quiet">{t('noEntries')}</p>}
      <ol class="entries">
        {entries.map((e) => (
          <EntryRow key={e.seq} channel={transcript.channel} entry={e} lookalikes={lookalikes} awaitingAck={awaiting.get(`${transcript.channel} ${e.id}`)} mayAck={mayAck} device={device} onReply={onReply} onAcked={onAcked} />
        ))}
      </ol>
    </div>
  );
}
