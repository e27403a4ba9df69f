import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useBlocker } from '@tanstack/react-router';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { countryName } from '../../lib/format';
import { useDocumentTitle } from '../../lib/title';
import { fundersQuery } from '../calls/queries';
import { checkInput, EligibilityPanel } from './eligibility-panel';
import { InviteForm } from './invite-form';
import { BudgetTotal, PartnerEditor } from './partner-editor';
import { headerFlat } from './partner-model';
import { HeaderEditor } from './header-editor';
import {
  callFactsQuery,
  proposalQuery,
  type PartnerBody,
  type PartnerView,
  type ProposalView,
} from './queries';
import type { Flat } from './rebase';
import { ProposalNav } from '../proposal/proposal-nav';

const NEW = '__new__';

/** Who may write what, as the server enforces it; the page only avoids offering the rest. */
function rights(proposal: ProposalView) {
  const { role, partnerId } = proposal.you;
  const wide = role === 'coordinator' || (role === 'editor' && partnerId === null);
  return {
    header: wide,
    addPartner: wide,
    removePartner: wide,
    invite: role === 'coordinator',
    partner: (p: PartnerView) => wide || (role === 'editor' && partnerId === p.id),
  };
}

export function WorkspacePage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const { data: proposal } = useSuspenseQuery(proposalQuery(id));
  const { data: call } = useSuspenseQuery(callFactsQuery(proposal.call.slug));
  const funders = useQuery(fundersQuery(proposal.call.slug));
  const can = rights(proposal);
  useDocumentTitle(proposal.header.acronym);

  const [open, setOpen] = useState<string | null>(() => {
    const own = proposal.you.partnerId;
    return own && window.location.hash === `#partner-${own}` ? own : null;
  });
  const [headerDraft, setHeaderDraft] = useState<Flat>(() => headerFlat(proposal.header));
  const [live, setLive] = useState<Record<string, PartnerBody | null>>({});
  const [dirty, setDirty] = useState<Record<string, boolean>>({});
  const anyDirty = Object.values(dirty).some(Boolean);

  const onHeaderDirty = useCallback(
    (d: boolean) => setDirty((s) => (s.header === d ? s : { ...s, header: d })),
    [],
  );
  const liveSetter = useCallback(
    (key: string) => (body: PartnerBody | null) =>
      setLive((s) => (JSON.stringify(s[key] ?? null) === JSON.stringify(body) ? s : { ...s, [key]: body })),
    [],
  );
  const dirtySetter = useCallback(
    (key: string) => (d: boolean) => setDirty((s) => (Boolean(s[key]) === d ? s : { ...s, [key]: d })),
    [],
  );

  // Leaving with unsaved text asks first: a link inside the app, and a reload or closing the tab.
  useBlocker({
    shouldBlockFn: () => !window.confirm(t('workspace.leaveWarning')),
    enableBeforeUnload: () => anyDirty,
    disabled: !anyDirty,
  });

  // The invitation lands on the partner's own section: bring it into view.
  useEffect(() => {
    const own = proposal.you.partnerId;
    if (own && window.location.hash === `#partner-${own}`) {
      document.getElementById(`partner-${own}`)?.scrollIntoView({ block: 'start' });
    }
  }, [proposal.you.partnerId]);

  const closeEditor = (key: string) => () => {
    setOpen(null);
    setLive((s) => ({ ...s, [key]: null }));
    setDirty((s) => ({ ...s, [key]: false }));
  };

  // Saved sections as the check reads them (without their version), the one being typed instead
  // of its saved self when it is a whole partner.
  const consortium: PartnerBody[] = proposal.partners.map(
    ({ version: _version, ...saved }) => (open === saved.id ? live[saved.id] : null) ?? saved,
  );
  const fresh = open === NEW ? live[NEW] : null;
  if (fresh) consortium.push(fresh);
  const input = checkInput(headerDraft, consortium, call);
  const partnerName = (pid: string) => consortium.find((p) => p.id === pid)?.organisation.name ?? pid;
  const allFunders = funders.data?.funders ?? [];
  const funderLabel = (fid: string | null) =>
    fid === null ? t('workspace.partner.ownFunded') : (allFunders.find((f) => f.id === fid)?.acronym ?? fid);

  return (
    <article className="workspace">
      <p className="crumb">
        <a href="/proposals">← {t('workspace.back')}</a>
      </p>
      <header className="workspace__header">
        <h1>
          {proposal.header.acronym}
          {proposal.header.title && <span className="workspace__title"> – {proposal.header.title}</span>}
        </h1>
        <p className="muted">
          <span lang="en">{proposal.call.title}</span> · {t(`workspace.stage.${proposal.stage}`)} ·{' '}
          {t('workspace.yourRole', { role: t(`workspace.role.${proposal.you.role as 'coordinator'}`) })}
        </p>
        <ProposalNav id={proposal.id} current="workspace" />
      </header>
      <div className="workspace__body">
        <div className="workspace__main">
          <HeaderEditor
            proposal={proposal}
            call={call}
            canEdit={can.header}
            onDraft={setHeaderDraft}
            onDirty={onHeaderDirty}
          />
          <section className="card ws-section" aria-labelledby="consortium-title">
            <h2 id="consortium-title">{t('workspace.consortium.title')}</h2>
            <p className="muted small">{t('workspace.consortium.intro')}</p>
            {proposal.partners.length === 0 && <p>{t('workspace.consortium.empty')}</p>}
            <ol className="partners">
              {proposal.partners.map((p) => {
                const editable = can.partner(p);
                return (
                  <li
                    key={p.id}
                    id={`partner-${p.id}`}
                    className="partner"
                    aria-labelledby={`partner-${p.id}-name`}
                  >
                    <div className="partner__summary">
                      <h3 id={`partner-${p.id}-name`} className="partner__name">
                        {p.organisation.name}
                        {p.coordinator && (
                          <span className="badge"> {t('workspace.partner.coordinator')}</span>
                        )}
                        {proposal.you.partnerId === p.id && (
                          <span className="badge badge--own">{t('workspace.partner.yours')}</span>
                        )}
                      </h3>
                      <p className="small">
                        {countryName(p.organisation.country, lng)}
                        {p.organisation.region ? ` (${p.organisation.region})` : ''} ·{' '}
                        {t(`workspace.orgType.${p.organisation.type}`)} · {p.pi.name} ·{' '}
                        {t('workspace.partner.funderIs', { funder: funderLabel(p.funderId) })}
                      </p>
                      <BudgetTotal body={p} call={call} />
                      {open !== p.id &&
                        (editable ? (
                          <button type="button" className="button" onClick={() => setOpen(p.id)}>
                            {t('workspace.partner.edit', { name: p.organisation.name })}
                          </button>
                        ) : (
                          <p className="muted small">{t('workspace.partner.readOnly')}</p>
                        ))}
                    </div>
                    {open === p.id && editable && (
                      <PartnerEditor
                        proposal={proposal}
                        partner={p}
                        funders={allFunders}
                        call={call}
                        canEdit
                        canRemove={can.removePartner}
                        onLive={liveSetter(p.id)}
                        onDirty={dirtySetter(p.id)}
                        onDone={closeEditor(p.id)}
                      />
                    )}
                  </li>
                );
              })}
            </ol>
            {can.addPartner &&
              (open === NEW ? (
                <div className="partner partner--new">
                  <h3>{t('workspace.partner.newTitle')}</h3>
                  <PartnerEditor
                    proposal={proposal}
                    partner={null}
                    funders={allFunders}
                    call={call}
                    canEdit
                    canRemove={false}
                    onLive={liveSetter(NEW)}
                    onDirty={dirtySetter(NEW)}
                    onDone={closeEditor(NEW)}
                  />
                </div>
              ) : (
                <button
                  type="button"
                  className="button button--primary"
                  disabled={open !== null && Boolean(dirty[open])}
                  onClick={() => setOpen(NEW)}
                >
                  {t('workspace.partner.addPartner')}
                </button>
              ))}
          </section>
        </div>
        {/* After the consortium in reading order, so a phone shows the verdict right below the
            partners; on a wide screen it stands beside the editor. */}
        <EligibilityPanel call={call} input={input} partnerName={partnerName} />
        {can.invite && (
          <div className="workspace__more">
            <InviteForm proposal={proposal} />
          </div>
        )}
      </div>
    </article>
  );
}
