import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { ConflictPanel, Field } from './fields';
import { codePoints } from './money';
import { headerFlat, headerPatch } from './partner-model';
import { etag, proposalQuery, type CallFacts, type ProposalView } from './queries';
import { changedKeys, type Flat } from './rebase';
import { conditionalWrite, focusFirstError, useResaveWhenResolved } from './save';
import { useSectionDraft } from './section-draft';
import { SaveStatus, problemText } from './status';

type HeaderKey = 'acronym' | 'title' | 'abstract' | 'keywords' | 'modules' | 'durationMonths';

/** The proposal's own sections: acronym, title, abstract (counted), keywords, modules, duration. */
export function HeaderEditor({
  proposal,
  call,
  canEdit,
  onDraft,
  onDirty,
}: {
  proposal: ProposalView;
  call: CallFacts;
  canEdit: boolean;
  onDraft: (draft: Flat) => void;
  onDirty: (dirty: boolean) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const section = useSectionDraft(headerFlat(proposal.header), proposal.header.version);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved' | 'conflict' | 'error'>('idle');
  const [failure, setFailure] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const { draft } = section;

  useEffect(() => onDraft(draft), [draft, onDraft]);
  useEffect(
    () => onDirty(section.dirty || section.conflicts.length > 0),
    [section.dirty, section.conflicts, onDirty],
  );

  async function save() {
    const keys = changedKeys(section.base, section.draft);
    if (keys.length === 0 || section.conflicts.length > 0) return;
    const sent = { ...section.draft };
    setStatus('saving');
    setFailure(null);
    const outcome = await conditionalWrite(queryClient, proposal.id, () =>
      api.PATCH('/api/proposals/{id}', {
        params: { path: { id: proposal.id }, header: { 'if-match': etag(section.version) } },
        body: headerPatch(sent, keys),
      }),
    );
    if (outcome.kind === 'saved') {
      setErrors({});
      const view = await queryClient.fetchQuery({ ...proposalQuery(proposal.id), staleTime: 0 });
      section.saved(headerFlat(view.header), view.header.version, sent);
      setStatus('saved');
    } else if (outcome.kind === 'stale') {
      section.rebaseOn(headerFlat(outcome.fresh.header), outcome.fresh.header.version);
      setStatus('conflict');
      resaveWhenResolved();
    } else if (outcome.kind === 'invalid') {
      setErrors(outcome.fields);
      setStatus('error');
      focusFirstError(form.current);
    } else {
      setFailure(problemText(t, outcome.error));
      setStatus('error');
    }
  }

  const resaveWhenResolved = useResaveWhenResolved(section.conflicts.length, save);

  const label = (key: string) => t(`workspace.header.${key as HeaderKey}`);
  const abstractLength = codePoints(draft.abstract ?? '');
  const over = abstractLength > call.abstractMaxCharacters;
  const modules = new Set((draft.modules ?? '').split(',').filter(Boolean));
  const readOnly = !canEdit;

  return (
    <section className="card ws-section" aria-labelledby="ws-header-title">
      <h2 id="ws-header-title">{t('workspace.header.heading')}</h2>
      {readOnly && <p className="muted small">{t('workspace.readOnly')}</p>}
      <ConflictPanel
        conflicts={section.conflicts}
        label={label}
        onChoose={(key, side) => section.choose(key, side)}
      />
      <form
        ref={form}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="ws-grid">
          <Field id="h-acronym" label={label('acronym')} error={errors.acronym}>
            {(p) => (
              <input
                {...p}
                className="input"
                maxLength={20}
                value={draft.acronym ?? ''}
                readOnly={readOnly}
                onChange={(e) => section.set('acronym', e.target.value)}
              />
            )}
          </Field>
          <Field
            id="h-duration"
            label={label('durationMonths')}
            hint={t('workspace.header.durationHint')}
            error={errors.durationMonths}
          >
            {(p) => (
              <input
                {...p}
                className="input"
                type="number"
                inputMode="numeric"
                min={12}
                max={48}
                value={draft.durationMonths ?? ''}
                readOnly={readOnly}
                onChange={(e) => section.set('durationMonths', e.target.value)}
              />
            )}
          </Field>
        </div>
        <Field id="h-title" label={label('title')} error={errors.title}>
          {(p) => (
            <input
              {...p}
              className="input"
              maxLength={200}
              value={draft.title ?? ''}
              readOnly={readOnly}
              onChange={(e) => section.set('title', e.target.value)}
            />
          )}
        </Field>
        <Field
          id="h-abstract"
          label={label('abstract')}
          hint={
            <span className={over ? 'counter counter--over' : 'counter'}>
              {t('workspace.header.counter', { count: abstractLength, max: call.abstractMaxCharacters })}
            </span>
          }
          error={
            errors.abstract ??
            (over ? t('workspace.header.tooLong', { max: call.abstractMaxCharacters }) : undefined)
          }
        >
          {(p) => (
            <textarea
              {...p}
              className="input textarea"
              rows={8}
              value={draft.abstract ?? ''}
              readOnly={readOnly}
              onChange={(e) => section.set('abstract', e.target.value)}
            />
          )}
        </Field>
        <Field
          id="h-keywords"
          label={label('keywords')}
          hint={t('workspace.header.keywordsHint')}
          error={errors.keywords ?? Object.entries(errors).find(([k]) => k.startsWith('keywords.'))?.[1]}
        >
          {(p) => (
            <input
              {...p}
              className="input"
              value={draft.keywords ?? ''}
              readOnly={readOnly}
              onChange={(e) => section.set('keywords', e.target.value)}
            />
          )}
        </Field>
        <fieldset className="field modules" aria-describedby="h-modules-hint">
          <legend className="field__label">{label('modules')}</legend>
          <p id="h-modules-hint" className="field__hint small muted">
            {t('workspace.header.modulesHint')}
          </p>
          {call.modules.map((m) => (
            <label key={m} className="check">
              <input
                type="checkbox"
                checked={modules.has(m)}
                disabled={readOnly}
                onChange={(e) => {
                  const next = new Set(modules);
                  if (e.target.checked) next.add(m);
                  else next.delete(m);
                  section.set('modules', [...next].sort().join(','));
                }}
              />
              <span>
                <strong>{m}</strong> {t(`workspace.module.${m}`)}
              </span>
            </label>
          ))}
        </fieldset>
        {canEdit && (
          <div className="ws-actions">
            <button
              type="submit"
              className="button button--primary"
              disabled={status === 'saving' || section.conflicts.length > 0}
            >
              {t('workspace.header.save')}
            </button>
            <SaveStatus dirty={section.dirty} status={status} failure={failure} />
          </div>
        )}
      </form>
    </section>
  );
}
