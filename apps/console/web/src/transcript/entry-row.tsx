/**
 * One transcript entry: who said what (text as text, never HTML), its precedence, its thread
 * facts, its badge as a word with the button that opens its evidence, and the actions the member
 * may take on it (reply; acknowledge, when the board says this party's ack is due).
 */
import { useState } from 'preact/hooks';
import { command } from '../api/client.js';
import type { ConsoleEntry, Deadline } from '../api/types.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { memo } from '../ui/memo.js';
import { AuthorName } from '../ui/name.js';
import type { Lookalikes } from '../ui/names.js';
import { BadgeWord } from './badge.js';
import { BrowserCheck } from './browser-check.js';
import { EvidencePanel } from './evidence-panel.js';
import { threadFacts } from './thread-facts.js';

const TYPE: Readonly<Record<string, MessageKey>> = {
  message: 'typeMessage',
  ack: 'typeAck',
  receipt: 'typeReceipt',
  heartbeat: 'typeHeartbeat',
  edit: 'typeEdit',
  freeze: 'typeFreeze',
  unfreeze: 'typeUnfreeze',
  closeThread: 'typeCloseThread',
  draft: 'typeDraft',
  approval: 'typeApproval',
  forward: 'typeForward',
  translation: 'typeTranslation',
  withheld: 'typeWithheld',
};

interface Props {
  channel: string;
  entry: ConsoleEntry;
  lookalikes: Lookalikes;
  awaitingAck: Deadline | undefined;
  mayAck: boolean;
  /** This device's key: its own messages can be edited. */
  device: string;
  onReply: (entry: ConsoleEntry) => void;
  onAcked: () => void;
}

function EntryRowView({ channel, entry, lookalikes, awaitingAck, mayAck, device, onReply, onAcked }: Props) {
  const { t, time } = useI18n();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<'ack' | 'edit' | 'close' | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const acking = busy === 'ack';
  const facts = threadFacts(entry.thread);
  const panelId = `evidence-${channel}-${entry.seq}`;
  const precedence = entry.precedence?.toLowerCase() ?? null;
  const isMessage = entry.type === 'message';
  const run = async (name: 'ack' | 'edit' | 'close', body: Record<string, unknown>) => {
    setBusy(name);
    setError(null);
    try {
      await command(name, { channel, id: entry.id, ...body });
      if (name === 'edit') setEditing(null);
      onAcked();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const ack = () => run('ack', {});
  const mine = entry.evidence.author?.deviceKey === device;
  const threadOpen = isMessage && !(facts?.closed ?? false);
  return (
    <li
      class={`entry entry-${entry.type}${precedence !== null ? ` entry-${precedence}` : ''}${awaitingAck !== undefined ? ' entry-awaiting' : ''}`}
      data-testid="entry"
      data-seq={entry.seq}
      data-id={entry.id}
      data-type={entry.type}
      data-precedence={precedence ?? undefined}
    >
      <div class="entry-head">
        <span class="entry-seq">{t('seq', { seq: entry.seq })}</span>
        {precedence !== null && (
          <span class={`tag tag-precedence tag-${precedence}`} data-testid="precedence">
            {entry.precedence}
          </span>
        )}
        {!isMessage && <span class="tag tag-type">{t(TYPE[entry.type] ?? 'typeMessage')}</span>}
        <span class="entry-author">
          <AuthorName author={entry.author} lookalikes={lookalikes} />
        </span>
        <time class="entry-time" dateTime={new Date(entry.evidence.receivedAt).toISOString()}>
          {t('receivedAt', { time: time(entry.evidence.receivedAt) })}
        </time>
        <span class="entry-badge">
          <BadgeWord state={entry.badge.state} />
          <button type="button" class="button button-small" data-testid="evidence-button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
            {open ? t('hideEvidence') : t('evidence')}
          </button>
        </span>
      </div>
      {facts !== null && facts.replyTo !== null && (
        <p class="entry-thread" data-testid="reply-to" data-seq={facts.replyTo}>
          ↳ {t('replyTo', { seq: facts.replyTo })}
        </p>
      )}
      <p class="entry-text" dir="auto" data-testid="entry-text">
        {entry.text}
      </p>
      {entry.badge.alert !== null && (
        <p class="entry-alert" data-testid="entry-alert" data-code={entry.badge.alert.code}>
          <code>{entry.badge.alert.code}</code> {entry.badge.alert.message}
        </p>
      )}
      {facts !== null && <Facts facts={facts} />}
      <div class="entry-actions">
        <BrowserCheck channel={channel} entry={entry} />
        {awaitingAck !== undefined && <span class="needs-ack" data-testid="needs-ack">{t('needsYourAck')}</span>}
        {awaitingAck !== undefined && mayAck && (
          <button type="button" class="button button-primary" data-testid="ack" data-seq={entry.seq} disabled={acking} onClick={() => void ack()}>
            {acking ? t('acking') : t('ack')}
          </button>
        )}
        {threadOpen && (
          <button type="button" class="button button-small" data-testid="reply" onClick={() => onReply(entry)}>
            {t('reply')}
          </button>
        )}
        {threadOpen && mine && editing === null && (
          <button type="button" class="button button-small" data-testid="edit" onClick={() => setEditing(entry.text)}>
            {t('edit')}
          </button>
        )}
        {threadOpen && (facts?.replyTo ?? null) === null && (
          <button type="button" class="button button-small" data-testid="close-thread" disabled={busy !== null} onClick={() => void run('close', {})}>
            {busy === 'close' ? t('working') : t('closeThread')}
          </button>
        )}
      </div>
      {editing !== null && (
        <form class="edit-form" onSubmit={(e) => { e.preventDefault(); void run('edit', { text: editing }); }}>
          <label class="field field-text">
            <span>{t('editLabel', { seq: entry.seq })}</span>
            <textarea data-testid="edit-text" rows={2} dir="auto" value={editing} onInput={(e) => setEditing(e.currentTarget.value)} />
          </label>
          <div class="entry-actions">
            <button type="submit" class="button button-primary button-small" data-testid="edit-save" disabled={busy !== null}>
              {busy === 'edit' ? t('working') : t('editSave')}
            </button>
            <button type="button" class="button button-small" data-testid="edit-cancel" onClick={() => setEditing(null)}>
              {t('editCancel')}
            </button>
          </div>
        </form>
      )}
      {error !== null && (
        <p class="error" role="alert" data-testid="entry-error">
          {error}
        </p>
      )}
      {open && <EvidencePanel channel={channel} entry={entry} lookalikes={lookalikes} id={panelId} />}
    </li>
  );
}

function Facts({ facts }: { facts: NonNullable<ReturnType<typeof threadFacts>> }) {
  const { t, time } = useI18n();
  const parts = [
    facts.replies.length > 0 && <span data-testid="replies">{t('replies', { count: facts.replies.length })}</span>,
    facts.closed && <span class="tag" data-testid="thread-closed">{t('threadClosed')}</span>,
    facts.acks.length > 0 && <span data-testid="acks">{t('acksBy', { names: facts.acks.join(', ') })}</span>,
    facts.delivered.length > 0 && <span data-testid="receipts-delivered">{t('receiptsDelivered', { names: facts.delivered.join(', ') })}</span>,
    facts.read.length > 0 && <span data-testid="receipts-read">{t('receiptsRead', { names: facts.read.join(', ') })}</span>,
  ].filter(Boolean);
  return (
    <>
      {parts.length > 0 && <p class="entry-facts">{parts.map((p, i) => <span key={i}>{i > 0 && ' · '}{p}</span>)}</p>}
      {facts.edits.length > 0 && (
        <details class="edit-history" data-testid="edit-history">
          <summary>
            {t('edited')} ({facts.edits.length}) — {t('editHistory')}
          </summary>
          <ol>
            {facts.edits.map((e, i) => (
              <li key={i}>
                <span class="meta">{t('editedAt', { seq: e.seq ?? '?', time: e.time === null ? '?' : time(e.time) })}</span>
                <p class="entry-text" dir="auto">{e.text}</p>
              </li>
            ))}
          </ol>
        </details>
      )}
    </>
  );
}

/** Same row if the entry's shown content and the ack it awaits did not change (a refetch makes new objects for equal entries). */
function sameEntry(a: ConsoleEntry, b: ConsoleEntry): boolean {
  return a === b || (a.seq === b.seq && a.id === b.id && a.text === b.text && a.badge.state === b.badge.state && a.badge.alert?.code === b.badge.alert?.code && a.evidence.checkpoint?.size === b.evidence.checkpoint?.size && JSON.stringify(a.thread) === JSON.stringify(b.thread));
}

export const EntryRow = memo(EntryRowView, (a, b) =>
  a.channel === b.channel && sameEntry(a.entry, b.entry) && a.lookalikes === b.lookalikes && a.mayAck === b.mayAck && a.device === b.device && a.onReply === b.onReply && a.onAcked === b.onAcked && a.awaitingAck?.state === b.awaitingAck?.state && (a.awaitingAck === undefined) === (b.awaitingAck === undefined),
);
