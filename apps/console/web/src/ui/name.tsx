/**
 * A name (party, member, channel) as the console shows it: hidden characters as visible
 * ⟨U+XXXX⟩ tokens (src/shared/visible-name.ts), and a flag on names that look like another in
 * the same channel. Always text nodes: JSX escapes them.
 */
import { hasHiddenCharacters, nameParts } from '../../../src/shared/visible-name.js';
import { useI18n } from '../i18n/i18n.js';
import type { Lookalikes } from './names.js';

export function Name({ value, lookalikes, flagAs }: { value: string; lookalikes?: Lookalikes | undefined; flagAs?: string }) {
  const { t } = useI18n();
  const similar = lookalikes?.get(flagAs ?? value);
  const hidden = hasHiddenCharacters(value);
  return (
    <span class={`name${similar !== undefined || hidden ? ' name-flagged' : ''}`} data-testid="name">
      {nameParts(value).map((p, i) =>
        p.hidden ? (
          <span key={i} class="hidden-char" data-testid="hidden-char">
            {p.text}
          </span>
        ) : (
          p.text
        ),
      )}
      {hidden && <span class="visually-hidden"> ({t('hiddenCharacters')})</span>}
      {similar !== undefined && (
        <span class="lookalike" data-testid="lookalike" title={t('lookalikeWith', { names: similar.join(', ') })}>
          <span aria-hidden="true">⚠</span>
          <span class="visually-hidden"> {t('lookalike')}: {t('lookalikeWith', { names: similar.join(', ') })}</span>
        </span>
      )}
    </span>
  );
}

/** "party / member" from a transcript author string, each part as a Name. */
export function AuthorName({ author, lookalikes }: { author: string; lookalikes?: Lookalikes | undefined }) {
  const parts = author.split(' / ');
  if (parts.length !== 2 || author.startsWith('device ')) return <Name value={author} lookalikes={lookalikes} />;
  return (
    <span class="author">
      <Name value={parts[0]!} lookalikes={lookalikes} /> / <Name value={parts[1]!} lookalikes={lookalikes} flagAs={author} />
    </span>
  );
}
