/** Freeze/unfreeze and export of the open channel; an export's files become links to GET /api/exports/<file>. */
import { useState } from 'preact/hooks';
import { command, exportUrl } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';

/** The file names an export's result names (its exact shape is the CLI's --json): every string that looks like a bare file name. */
export function exportFiles(result: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      const base = v.split(/[\\/]/).at(-1) ?? '';
      if (/^[\w.-]+\.[A-Za-z0-9]{2,8}$/.test(base)) found.add(base);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(result);
  return [...found];
}

export function ChannelActions({ channel, frozen, onDone }: { channel: string; frozen: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [files, setFiles] = useState<string[]>([]);
  const run = async (name: 'freeze' | 'unfreeze' | 'export') => {
    setBusy(name);
    setError(null);
    try {
      const result = await command(name, { channel });
      if (name === 'export') setFiles(exportFiles(result));
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="channel-actions" role="group" aria-label={t('actionsHeading')}>
      {frozen ? (
        <button type="button" class="button" data-testid="unfreeze" disabled={busy !== null} onClick={() => void run('unfreeze')}>
          {t('unfreeze')}
        </button>
      ) : (
        <button type="button" class="button" data-testid="freeze" disabled={busy !== null} onClick={() => void run('freeze')}>
          {t('freeze')}
        </button>
      )}
      <button type="button" class="button" data-testid="export" disabled={busy !== null} onClick={() => void run('export')}>
        {busy === 'export' ? t('exporting') : t('exportRecord')}
      </button>
      {files.length > 0 && (
        <p class="exports" data-testid="exports">
          {t('exportReady')}{' '}
          {files.map((f, i) => (
            <span key={f}>
              {i > 0 && ', '}
              <a href={exportUrl(f)} download={f} data-testid="export-link">
                {f}
              </a>
            </span>
          ))}
        </p>
      )}
      {error !== null && (
        <p class="error" role="alert" data-testid="action-error">
          {error}
        </p>
      )}
    </div>
  );
}
