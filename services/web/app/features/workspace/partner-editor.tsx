import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { countryName, formatMoney, intlLocale } from '../../lib/format';
import type { FunderView } from '../calls/queries';
import { countryList } from './countries';
import { ConflictPanel, Field } from './fields';
import { FunderComboBox } from './funder-combo-box';
import { minorDigits, parseAmount, toReporting } from './money';
import {
  costCategories,
  currencyOf,
  fundersFor,
  partnerBody,
  partnerFlat,
  partnerIdFrom,
  type FieldErrors,
} from './partner-model';
import {
  etag,
  organisationTypes,
  proposalQuery,
  type CallFacts,
  type PartnerBody,
  type PartnerView,
  type ProposalView,
} from './queries';
import { conditionalWrite, focusFirstError, useResaveWhenResolved } from './save';
import { useSectionDraft } from './section-draft';
import { SaveStatus, problemText } from './status';

type Status = 'idle' | 'saving' | 'saved' | 'conflict' | 'error';

/** The requested budget's total in its currency and, at the call's fixed rate, in the reporting one. */
export function BudgetTotal({ body, call }: { body: Pick<PartnerBody, 'budget'>; call: CallFacts }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const total = costCategories.reduce((sum, c) => sum + body.budget[c], 0);
  const currency = body.budget.currency;
  const reporting = toReporting(total, currency, call.reportingCurrency, call.exchangeRates);
  const rate = call.exchangeRates.find((r) => r.currency === currency)?.rate;
  return (
    <p className="budget-total">
      <span>
        {t('workspace.partner.total')}: <strong>{formatMoney(total, currency, lng)}</strong>
      </span>
      {currency !== call.reportingCurrency && (
        <span className="muted small">
          {reporting === null
            ? t('workspace.partner.noRate', { currency })
            : t('workspace.partner.equivalent', {
                amount: formatMoney(reporting, call.reportingCurrency, lng),
                rate: `1 ${call.reportingCurrency} = ${rate ?? '?'} ${currency}`,
              })}
        </span>
      )}
    </p>
  );
}

/**
 * One partner section: read-only for those who may not edit it, a form for those who may. Saves
 * send If-Match with the section's version; a 412 shows both versions per field.
 */
export function PartnerEditor({
  proposal,
  partner,
  funders,
  call,
  canEdit,
  canRemove,
  onLive,
  onDirty,
  onDone,
}: {
  proposal: ProposalView;
  partner: PartnerView | null;
  funders: readonly FunderView[];
  call: CallFacts;
  canEdit: boolean;
  /** Removing a section is for the coordinator and consortium-wide editors. */
  canRemove: boolean;
  /** The section as typed, when it is a whole partner: for the live eligibility check. */
  onLive: (body: PartnerBody | null) => void;
  onDirty: (dirty: boolean) => void;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const queryClient = useQueryClient();
  const isNew = partner === null;
  const section = useSectionDraft(partnerFlat(partner), partner?.version ?? 0);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<Status>('idle');
  const [failure, setFailure] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const { draft } = section;
  const v = (k: string) => draft[k] ?? '';
  const prefix = partner ? `p-${partner.id}` : 'p-new';
  const countries = useMemo(() => countryList(intlLocale(lng)), [lng]);
  const allowed = fundersFor(funders, v('organisation.country'), v('organisation.region'));
  const regions = [
    ...new Set(
      funders
        .filter((f) => f.country === v('organisation.country') && f.region)
        .map((f) => f.region as string)
        .concat(v('organisation.region') ? [v('organisation.region')] : []),
    ),
  ];
  const currency = v('funderId')
    ? currencyOf(funders, v('funderId'), call.reportingCurrency)
    : call.reportingCurrency;
  const parsed = partnerBody(
    {
      ...draft,
      id:
        draft.id ||
        partnerIdFrom(
          v('organisation.name'),
          proposal.partners.map((p) => p.id),
        ),
    },
    funders,
    call.reportingCurrency,
    partner,
  );
  const live = parsed.body ? JSON.stringify(parsed.body) : '';
  useEffect(() => onLive(live ? (JSON.parse(live) as PartnerBody) : null), [live, onLive]);
  const dirty = section.dirty || section.conflicts.length > 0;
  useEffect(() => onDirty(dirty), [dirty, onDirty]);

  const label = (key: string) => {
    if (key.startsWith('budget.'))
      return t(`workspace.budget.${key.slice(7) as (typeof costCategories)[number]}`);
    return t(`workspace.field.${key.replace('.', '_') as 'organisation_name'}`);
  };
  const error = (key: string) => {
    const e = errors[key];
    if (!e) return undefined;
    return e.startsWith('workspace.') ? t(e as 'workspace.error.required') : e;
  };

  async function save() {
    const idTaken = proposal.partners.filter((p) => p.id !== partner?.id).map((p) => p.id);
    const flat = {
      ...section.draft,
      id: section.draft.id || partnerIdFrom(section.draft['organisation.name'] ?? '', idTaken),
    };
    const result = partnerBody(flat, funders, call.reportingCurrency, partner);
    if (!result.body) {
      setErrors(result.errors);
      setStatus('error');
      focusFirstError(form.current);
      return;
    }
    const body = result.body;
    setStatus('saving');
    setFailure(null);
    const outcome = await conditionalWrite(queryClient, proposal.id, () =>
      isNew
        ? api.POST('/api/proposals/{id}/partners', { params: { path: { id: proposal.id } }, body })
        : api.PUT('/api/proposals/{id}/partners/{partnerId}', {
            params: {
              path: { id: proposal.id, partnerId: body.id },
              header: { 'if-match': etag(section.version) },
            },
            body,
          }),
    );
    if (outcome.kind === 'saved') {
      setErrors({});
      const fresh = await queryClient.fetchQuery({ ...proposalQuery(proposal.id), staleTime: 0 });
      const saved = fresh.partners.find((p) => p.id === body.id);
      if (saved) section.saved(partnerFlat(saved), saved.version, flat);
      setStatus('saved');
      if (isNew) onDone();
    } else if (outcome.kind === 'stale') {
      const theirs = outcome.fresh.partners.find((p) => p.id === body.id);
      if (!theirs) {
        setFailure(t('workspace.partner.removedMeanwhile'));
        setStatus('error');
        return;
      }
      section.rebaseOn(partnerFlat(theirs), theirs.version);
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

  async function remove() {
    if (
      !partner ||
      !window.confirm(t('workspace.partner.confirmRemove', { name: partner.organisation.name }))
    )
      return;
    setStatus('saving');
    const outcome = await conditionalWrite(queryClient, proposal.id, () =>
      api.DELETE('/api/proposals/{id}/partners/{partnerId}', {
        params: {
          path: { id: proposal.id, partnerId: partner.id },
          header: { 'if-match': etag(section.version) },
        },
      }),
    );
    if (outcome.kind === 'saved') {
      await queryClient.invalidateQueries({ queryKey: ['proposals', proposal.id] });
      onDone();
    } else if (outcome.kind === 'stale') {
      setFailure(t('workspace.partner.changedBeforeRemove'));
      setStatus('error');
      const theirs = outcome.fresh.partners.find((p) => p.id === partner.id);
      if (theirs) section.rebaseOn(partnerFlat(theirs), theirs.version);
    } else {
      setFailure(outcome.kind === 'failed' ? problemText(t, outcome.error) : t('workspace.problem.generic'));
      setStatus('error');
    }
  }

  const readOnly = !canEdit;
  const text = (key: string, props: { type?: string; autoComplete?: string; maxLength?: number } = {}) => (
    <Field id={`${prefix}-${key}`} label={label(key)} error={error(key)}>
      {(p) => (
        <input
          {...p}
          {...props}
          className="input"
          value={v(key)}
          readOnly={readOnly}
          onChange={(e) => section.set(key, e.target.value)}
        />
      )}
    </Field>
  );
  const displayValue = (key: string, value: string) => {
    if (key === 'funderId')
      return funders.find((f) => f.id === value)?.acronym ?? (value || t('workspace.partner.ownFunded'));
    if (key === 'organisation.country') return value ? countryName(value, lng) : '';
    if (key === 'organisation.type') return value ? t(`workspace.orgType.${value as 'academia'}`) : '';
    if (key === 'coordinator') return value === 'true' ? t('workspace.yes') : t('workspace.no');
    return value;
  };

  return (
    <form
      ref={form}
      noValidate
      className="partner-form"
      aria-label={
        isNew
          ? t('workspace.partner.newTitle')
          : t('workspace.partner.editTitle', { name: partner.organisation.name })
      }
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <ConflictPanel
        conflicts={section.conflicts}
        label={label}
        display={displayValue}
        onChoose={(key, side) => section.choose(key, side)}
      />
      <fieldset className="ws-fieldset">
        <legend>{t('workspace.partner.organisation')}</legend>
        {text('organisation.name', { maxLength: 300, autoComplete: 'organization' })}
        <div className="ws-grid">
          <Field
            id={`${prefix}-organisation.country`}
            label={label('organisation.country')}
            error={error('organisation.country')}
          >
            {(p) => (
              <select
                {...p}
                className="input"
                value={v('organisation.country')}
                disabled={readOnly}
                onChange={(e) => {
                  section.set('organisation.country', e.target.value);
                  section.set('organisation.region', '');
                  if (!fundersFor(funders, e.target.value, '').some((f) => f.id === v('funderId')))
                    section.set('funderId', '');
                }}
              >
                <option value="">{t('workspace.partner.choose')}</option>
                {countries.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id={`${prefix}-organisation.region`}
            label={label('organisation.region')}
            hint={t('workspace.partner.regionHint')}
            error={error('organisation.region')}
          >
            {(p) => (
              <select
                {...p}
                className="input"
                value={v('organisation.region')}
                disabled={readOnly || regions.length === 0}
                onChange={(e) => {
                  section.set('organisation.region', e.target.value);
                  if (
                    !fundersFor(funders, v('organisation.country'), e.target.value).some(
                      (f) => f.id === v('funderId'),
                    )
                  )
                    section.set('funderId', '');
                }}
              >
                <option value="">{t('workspace.partner.noRegion')}</option>
                {regions.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id={`${prefix}-organisation.type`}
            label={label('organisation.type')}
            error={error('organisation.type')}
          >
            {(p) => (
              <select
                {...p}
                className="input"
                value={v('organisation.type')}
                disabled={readOnly}
                onChange={(e) => section.set('organisation.type', e.target.value)}
              >
                <option value="">{t('workspace.partner.choose')}</option>
                {organisationTypes.map((o) => (
                  <option key={o} value={o}>
                    {t(`workspace.orgType.${o}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {text('organisation.rorId', { maxLength: 40 })}
        </div>
      </fieldset>
      <fieldset className="ws-fieldset">
        <legend>{t('workspace.partner.pi')}</legend>
        <div className="ws-grid">
          {text('pi.name', { maxLength: 200, autoComplete: 'name' })}
          {text('pi.email', { type: 'email', maxLength: 254, autoComplete: 'email' })}
          {text('pi.orcid', { maxLength: 19 })}
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={v('coordinator') === 'true'}
            disabled={readOnly}
            onChange={(e) => section.set('coordinator', e.target.checked ? 'true' : 'false')}
          />
          <span>{t('workspace.partner.isCoordinator')}</span>
        </label>
      </fieldset>
      <fieldset className="ws-fieldset">
        <legend>{t('workspace.partner.funding')}</legend>
        <FunderComboBox
          funders={allowed}
          value={v('funderId')}
          onChange={(id) => section.set('funderId', id)}
          isDisabled={readOnly}
          invalid={Boolean(error('funderId'))}
          errorId={error('funderId') ? `${prefix}-funder-error` : undefined}
        />
        {error('funderId') && (
          <p id={`${prefix}-funder-error`} className="field__error small">
            {error('funderId')}
          </p>
        )}
        <p className="small">{t('workspace.partner.currency', { currency })}</p>
        <div className="budget-grid">
          {costCategories.map((c) => {
            const key = `budget.${c}`;
            const minor = parseAmount(v(key), minorDigits(currency));
            return (
              <Field
                key={c}
                id={`${prefix}-${key}`}
                label={`${label(key)} (${currency})`}
                error={error(key)}
                hint={minor !== null && minor > 0 ? formatMoney(minor, currency, lng) : undefined}
              >
                {(p) => (
                  <input
                    {...p}
                    className="input num"
                    inputMode="decimal"
                    value={v(key)}
                    readOnly={readOnly}
                    onChange={(e) => section.set(key, e.target.value)}
                  />
                )}
              </Field>
            );
          })}
        </div>
        {parsed.body && <BudgetTotal body={parsed.body} call={call} />}
      </fieldset>
      {canEdit && (
        <div className="ws-actions">
          <button
            type="submit"
            className="button button--primary"
            disabled={status === 'saving' || section.conflicts.length > 0}
          >
            {isNew ? t('workspace.partner.add') : t('workspace.partner.save')}
          </button>
          <button type="button" className="button" onClick={onDone}>
            {isNew ? t('workspace.partner.cancel') : t('workspace.partner.close')}
          </button>
          {!isNew && canRemove && (
            <button type="button" className="button button--danger" onClick={() => void remove()}>
              {t('workspace.partner.remove')}
            </button>
          )}
          <SaveStatus dirty={section.dirty} status={status} failure={failure} />
        </div>
      )}
    </form>
  );
}
