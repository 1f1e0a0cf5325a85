/**
 * The composer: text, precedence, language, reply-to; the approvals the charter requires for
 * the chosen precedence shown before anything is sent; "draft" for the two-person rule;
 * disabled, with the reason, while the channel is frozen.
 */
import { useState } from 'preact/hooks';
import { command } from '../api/client.js';
import { PRECEDENCES, type ChannelView, type ConsoleEntry, type Precedence, type Session } from '../api/types.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { approvalRule } from './approval-rule.js';

const PRECEDENCE_WORD: Readonly<Record<Precedence, MessageKey>> = { flash: 'precedenceFlash', immediate: 'precedenceImmediate', priority: 'precedencePriority', routine: 'precedenceRoutine' };
const LANGUAGES = ['en', 'ru'];

interface Props {
  channel: ChannelView;
  frozen: boolean;
  session: Session;
  replyTo: ConsoleEntry | null;
  onClearReply: () => void;
  onDone: () => void;
}

export function Composer({ channel, frozen, session, replyTo, onClearReply, onDone }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [precedence, setPrecedence] = useState<Precedence>('routine');
  const [language, setLanguage] = useState<string>(session.language);
  const [busy, setBusy] = useState<'send' | 'draft' | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const rule = approvalRule(channel, session.party, precedence);
  const needsApprovals = rule.known && rule.rule !== null;
  const word = t(PRECEDENCE_WORD[precedence]);

  const run = async (kind: 'send' | 'draft') => {
    if (text.trim() === '') {
      setOutcome({ ok: false, text: t('emptyText') });
      return;
    }
    setBusy(kind);
    setOutcome(null);
    try {
      const body: Record<string, unknown> = { channel: channel.id, text, precedence, language };
      if (kind === 'send' && replyTo !== null) body['replyTo'] = replyTo.id;
      await command(kind, body);
      setText('');
      onClearReply();
      setOutcome({ ok: true, text: kind === 'send' ? t('sent') : t('drafted') });
      onDone();
    } catch (e) {
      setOutcome({ ok: false, text: t('commandFailed', { error: e instanceof Error ? e.message : String(e) }) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <form class="composer" data-testid="composer" aria-labelledby="composer-h" onSubmit={(e) => { e.preventDefault(); void run(needsApprovals ? 'draft' : 'send'); }}>
      <h3 id="composer-h" class="section-label">{t('composerHeading')}</h3>
      {frozen && (
        <p class="frozen-reason" data-testid="composer-frozen" role="status">
          {t('frozenReason')}
        </p>
      )}
      {replyTo !== null && (
        <p class="replying" data-testid="composer-reply" data-seq={replyTo.seq}>
          {t('replyingTo', { seq: replyTo.seq })}{' '}
          <button type="button" class="button button-small" data-testid="composer-reply-clear" onClick={onClearReply}>
            {t('cancelReply')}
          </button>
        </p>
      )}
      <fieldset disabled={frozen || busy !== null}>
        <legend class="visually-hidden">{t('composerHeading')}</legend>
        <label class="field field-text">
          <span>{t('messageText')}</span>
          <textarea data-testid="composer-text" rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} dir="auto" />
        </label>
        <div class="composer-row">
          <label class="field">
            <span>{t('precedence')}</span>
            <select data-testid="composer-precedence" value={precedence} onChange={(e) => setPrecedence(e.currentTarget.value as Precedence)}>
              {PRECEDENCES.map((p) => (
                <option key={p} value={p}>
                  {t(PRECEDENCE_WORD[p])}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>{t('messageLanguage')}</span>
            <select data-testid="composer-language" value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <div class="composer-buttons">
            <button type="button" class="button" data-testid="draft" onClick={() => void run('draft')}>
              {busy === 'draft' ? t('sending') : t('draftButton')}
            </button>
            <button type="button" class="button button-primary" data-testid="send" disabled={needsApprovals} onClick={() => void run('send')}>
              {busy === 'send' ? t('sending') : t('send')}
            </button>
          </div>
        </div>
      </fieldset>
      <p class="approvals-note" data-testid="composer-approvals" data-required={rule.known ? (rule.rule?.required ?? 0) : 'unknown'}>
        {!rule.known
          ? t('approvalsUnknown', { precedence: word })
          : rule.rule === null
            ? t('approvalsNone', { precedence: word })
            : t('approvalsNeeded', { count: rule.rule.required, roles: rule.rule.roles.join(', '), precedence: word })}
      </p>
      {outcome !== null && (
        <p class={outcome.ok ? 'ok' : 'error'} role={outcome.ok ? 'status' : 'alert'} data-testid={outcome.ok ? 'composer-ok' : 'composer-error'}>
          {outcome.text}
        </p>
      )}
    </form>
  );
}
