/** A statement's badge: exactly one of four states, shown as a word (not a colour or an icon alone). */
import type { BadgeState } from '../api/types.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';

export const BADGE_WORD: Readonly<Record<BadgeState, MessageKey>> = { verified: 'badgeVerified', pending: 'badgePending', invalid: 'badgeInvalid', withheld: 'badgeWithheld' };
export const BADGE_WHY: Readonly<Record<BadgeState, MessageKey>> = { verified: 'badgeVerifiedWhy', pending: 'badgePendingWhy', invalid: 'badgeInvalidWhy', withheld: 'badgeWithheldWhy' };
const MARK: Readonly<Record<BadgeState, string>> = { verified: '✓', pending: '…', invalid: '✗', withheld: '∅' };

export function BadgeWord({ state }: { state: BadgeState }) {
  const { t } = useI18n();
  return (
    <span class={`badge badge-${state}`} data-testid="badge" data-state={state}>
      <span aria-hidden="true" class="badge-mark">
        {MARK[state]}
      </span>{' '}
      {t(BADGE_WORD[state] ?? 'badgeWithheld')}
    </span>
  );
}
