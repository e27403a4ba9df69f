import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import en from '../../i18n/en.json';

/** One entry of a version's structured diff (services/calls: a JSON patch with the values). */
export interface CallChange {
  op: 'add' | 'remove' | 'replace';
  path: string;
  before?: unknown;
  after?: unknown;
}

export function isCallChange(value: unknown): value is CallChange {
  const c = value as Partial<CallChange> | null;
  return typeof c === 'object' && c !== null && typeof c.path === 'string' && typeof c.op === 'string';
}

const has = (key: string): key is keyof typeof en.call.changePart => Object.hasOwn(en.call.changePart, key);

/** "/funders/3/commitment/amountMinor" → "Funders › 4 › commitment › amount (minor units)". */
export function changePath(t: TFunction, pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) =>
      /^\d+$/.test(part) ? String(Number(part) + 1) : has(part) ? t(`call.changePart.${part}`) : part,
    )
    .join(' › ');
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** A version's changes in words: what was added, removed or changed, with the values. */
export function ChangeList({ changes }: { changes: readonly CallChange[] }) {
  const { t } = useTranslation();
  const action = {
    add: t('call.changeAdd'),
    remove: t('call.changeRemove'),
    replace: t('call.changeReplace'),
  };
  return (
    <details className="changes">
      <summary>
        {t('call.showChanges')} ({t('call.changes', { count: changes.length })})
      </summary>
      <ul>
        {changes.map((c) => (
          <li key={`${c.op}${c.path}`}>
            <strong>{action[c.op]}</strong>: {changePath(t, c.path)}
            {c.before !== undefined && (
              <div className="small">
                <span className="muted">{t('call.changeBefore')}:</span>{' '}
                <code lang="en">{shown(c.before)}</code>
              </div>
            )}
            {c.after !== undefined && (
              <div className="small">
                <span className="muted">{t('call.changeAfter')}:</span>{' '}
                <code lang="en">{shown(c.after)}</code>
              </div>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}
