/** Drafts of the two-person rule: who drafted, how many approvals of how many, and the approve button on other members' drafts. */
import { useState } from 'preact/hooks';
import { command } from '../api/client.js';
import type { DraftView } from '../api/types.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { Name } from '../ui/name.js';

const STATE: Readonly<Record<string, MessageKey>> = { waiting: 'draftStateWaiting', ready: 'draftStateReady', sent: 'draftStateSent' };

export function DraftsPanel({ drafts, device, onDone }: { drafts: readonly DraftView[]; device: string; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <section class="panel drafts" aria-labelledby="drafts-h" data-testid="drafts">
      <h3 id="drafts-h" class="section-label">{t('draftsHeading')}</h3>
      {drafts.length === 0 ? (
        <p class="quiet">{t('noDrafts')}</p>
      ) : (
        <ul>
          {drafts.map((d) => (
            <DraftItem key={d.id} draft={d} device={device} onDone={onDone} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DraftItem({ draft, device, onDone }: { draft: DraftView; device: string; onDone: () => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const approvedByMe = draft.approvedBy.some((a) => a.deviceKey === device);
  const mayApprove = !draft.mine && !approvedByMe && draft.state === 'waiting';
  const approve = async () => {
    setBusy(true);
    setError(null);
    try {
      await command('approve', { draft: draft.id });
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const author = draft.author === null ? '?' : `${draft.author.party} / ${draft.author.member}`;
  return (
    <li class={`draft draft-${draft.state}`} data-testid="draft-item" data-id={draft.id} data-state={draft.state} data-precedence={draft.precedence}>
      <p class="draft-head">
        <span class={`tag tag-precedence tag-${draft.precedence}`}>{draft.precedence.toUpperCase()}</span>{' '}
        <Name value={draft.channel} /> · <Name value={author} /> {draft.mine && <span class="tag">{t('yourDraft')}</span>}
      </p>
      <p class="entry-text" dir="auto">
        {draft.text}
      </p>
      <p class="meta">
        <span data-testid="draft-approvals" data-count={draft.approvedBy.length} data-required={draft.required}>
          {t('draftApprovals', { count: draft.approvedBy.length, required: draft.required })}
        </span>{' '}
        · {t(STATE[draft.state] ?? 'draftStateWaiting')}
        {draft.approvedBy.length > 0 && <> · {t('approvedBy', { names: draft.approvedBy.map((a) => `${a.party} / ${a.member}`).join(', ') })}</>}
      </p>
      {mayApprove && (
        <button type="button" class="button button-primary" data-testid="approve" data-draft={draft.id} disabled={busy} onClick={() => void approve()}>
          {busy ? t('approving') : t('approve')}
        </button>
      )}
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
