import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../lib/api';
import { fundersQuery, rulesQuery, type FunderView } from '../calls/queries';
import { localRuleText } from '../calls/rule-text';
import type { Flat } from './rebase';
import type { CallFacts, Finding, ModuleCode, PartnerBody, PreCheckBody } from './queries';

/** Kinds whose verdict needs the modules or the duration, left out while those are not given. */
const moduleKinds = new Set(['module-coverage', 'excluded-modules']);
const durationKinds = new Set(['max-duration-months']);

export type CheckInput =
  | { body: PreCheckBody; modulesMissing: boolean; durationMissing: boolean }
  | { waiting: 'noPartners' | 'coordinator' };

/**
 * The draft as the eligibility check reads it: the consortium as edited now (saved sections, with
 * the one being typed when it is a whole partner), modules and duration. Title, abstract and
 * keywords are no rule's business, so fixed stand-ins keep the check from re-running as one types.
 */
export function checkInput(header: Flat, partners: readonly PartnerBody[], call: CallFacts): CheckInput {
  if (partners.length === 0) return { waiting: 'noPartners' };
  if (partners.filter((p) => p.coordinator).length !== 1) return { waiting: 'coordinator' };
  const modules = (header.modules ?? '').split(',').filter(Boolean) as ModuleCode[];
  const duration = Number(header.durationMonths);
  const durationOk = Number.isInteger(duration) && duration >= 12 && duration <= 48;
  const first = call.modules[0];
  return {
    modulesMissing: modules.length === 0,
    durationMissing: !durationOk,
    body: {
      acronym: 'DRAFT',
      title: 'Draft',
      abstract: 'Draft',
      keywords: ['draft'],
      modules: modules.length > 0 ? modules : first ? [first] : ['1A'],
      durationMonths: durationOk ? duration : 36,
      partners: [...partners],
    },
  };
}

/** The server's check of the draft, asked again 400 ms after the last edit. */
function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

export function EligibilityPanel({
  call,
  input,
  partnerName,
}: {
  call: CallFacts;
  input: CheckInput;
  partnerName: (id: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const key = useDebounced('body' in input ? JSON.stringify(input.body) : '', 400);
  const check = useQuery({
    queryKey: ['pre-check', call.slug, key],
    queryFn: () =>
      unwrap(
        api.POST('/api/eligibility/calls/{slug}/pre-check', {
          params: { path: { slug: call.slug } },
          body: JSON.parse(key) as PreCheckBody,
        }),
      ),
    enabled: key !== '',
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
  const rules = useQuery(rulesQuery(call.slug));
  const funders = useQuery(fundersQuery(call.slug));
  const funderById = new Map((funders.data?.funders ?? []).map((f) => [f.id, f]));
  const funderName = (id: string) => funderById.get(id)?.acronym ?? id;
  const ruleById = new Map((rules.data?.rules ?? []).map((r) => [r.id, r]));

  const skipped = 'body' in input ? input : null;
  const findings = (check.data?.findings ?? []).filter(
    (f) =>
      !(skipped?.modulesMissing && moduleKinds.has(f.kind)) &&
      !(skipped?.durationMissing && durationKinds.has(f.kind)),
  );
  const errors = findings.filter((f) => f.level === 'error');
  const warnings = findings.filter((f) => f.level === 'warning');
  const consortium = findings.filter((f) => !f.funderId);
  const byFunder = new Map<string, Finding[]>();
  for (const f of findings)
    if (f.funderId) byFunder.set(f.funderId, [...(byFunder.get(f.funderId) ?? []), f]);

  const item = (f: Finding, i: number) => {
    const rule = ruleById.get(f.ruleId);
    const local = rule ? localRuleText(t, rule, lng, funderName) : null;
    return (
      <li key={`${f.ruleId}-${i}`} className={`finding finding--${f.level}`}>
        <p className="finding__head">
          <span className={`badge badge--rule-${f.level}`}>
            {f.level === 'error' ? t('workspace.eligibility.error') : t('workspace.eligibility.warning')}
          </span>
          {f.partnerIds.length > 0 && (
            <span className="small">{f.partnerIds.map(partnerName).join(', ')}</span>
          )}
        </p>
        {local ? (
          // In de/fr the rule's sentence leads; the server's English finding stays below it, as it
          // alone names the partners' figures.
          <>
            <p className="finding__message">{local}</p>
            <p className="finding__original small muted" lang="en">
              {f.message}
            </p>
          </>
        ) : (
          <p className="finding__message" lang="en">
            {f.message}
          </p>
        )}
        {rule && !local && (
          <p className="finding__rule small">
            <strong>{t('workspace.eligibility.rule')}:</strong> <span lang="en">{rule.text}</span>
          </p>
        )}
        {f.source?.url ? (
          <p className="small">
            {t('common.source')}:{' '}
            <a href={f.source.url} rel="noreferrer external">
              {new URL(f.source.url).hostname}
            </a>
          </p>
        ) : f.assumption ? (
          <p className="small rule__assumption">{t('call.assumption')}</p>
        ) : null}
      </li>
    );
  };

  let summary: string;
  if ('waiting' in input) summary = t(`workspace.eligibility.waiting.${input.waiting}`);
  else if (check.isPending) summary = t('workspace.eligibility.checking');
  else if (check.isError) summary = t('workspace.eligibility.failed');
  else if (errors.length === 0) summary = t('workspace.eligibility.eligible', { count: warnings.length });
  else summary = t('workspace.eligibility.notEligible', { errors: errors.length, warnings: warnings.length });

  return (
    <aside className="card eligibility" aria-labelledby="eligibility-title">
      <h2 id="eligibility-title">{t('workspace.eligibility.title')}</h2>
      <p className="muted small">{t('workspace.eligibility.intro')}</p>
      <p
        role="status"
        className={`eligibility__summary ${'body' in input && check.isSuccess ? (errors.length ? 'eligibility__summary--error' : 'eligibility__summary--ok') : ''}`}
      >
        {summary}
        {check.isFetching && !check.isPending && (
          <span className="muted small"> {t('workspace.eligibility.updating')}</span>
        )}
      </p>
      {skipped?.modulesMissing && <p className="small muted">{t('workspace.eligibility.modulesMissing')}</p>}
      {skipped?.durationMissing && (
        <p className="small muted">{t('workspace.eligibility.durationMissing')}</p>
      )}
      {lng !== 'en' && findings.length > 0 && (
        <p className="small muted">{t('workspace.eligibility.english')}</p>
      )}
      {'body' in input && consortium.length > 0 && (
        <section aria-labelledby="elig-consortium">
          <h3 id="elig-consortium">{t('workspace.eligibility.consortium')}</h3>
          <ul className="findings">{consortium.map(item)}</ul>
        </section>
      )}
      {'body' in input &&
        [...byFunder].map(([funderId, list]) => (
          <section key={funderId} aria-labelledby={`elig-${funderId}`}>
            <h3 id={`elig-${funderId}`}>
              {t('workspace.eligibility.funderRules', { funder: funderName(funderId) })}
              {funderById.get(funderId) && <FunderCountry funder={funderById.get(funderId)!} />}
            </h3>
            <ul className="findings">{list.map(item)}</ul>
          </section>
        ))}
    </aside>
  );
}

function FunderCountry({ funder }: { funder: FunderView }) {
  return funder.country ? <span className="muted small"> ({funder.country})</span> : null;
}
