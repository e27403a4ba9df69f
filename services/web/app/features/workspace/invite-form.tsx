import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toApiError, unwrap } from '../../lib/api';
import { formatInstant, visitorZone } from '../../lib/format';
import { Field } from './fields';
import type { ProposalView } from './queries';
import { problemText } from './status';

/**
 * The coordinator invites a partner's PI (or anyone) by e-mail: as the editor of one partner
 * section, of the whole proposal, or as a reader. The link in the e-mail opens /proposal-invitation.
 */
export function InviteForm({ proposal }: { proposal: ProposalView }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [scope, setScope] = useState(proposal.partners[0]?.id ?? '__editor__');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const invitations = useQuery({
    queryKey: ['proposals', proposal.id, 'invitations'],
    queryFn: () =>
      unwrap(api.GET('/api/proposals/{id}/invitations', { params: { path: { id: proposal.id } } })),
  });

  async function invite() {
    setSent(null);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setError(t('workspace.error.email'));
      document.getElementById('invite-email')?.focus();
      return;
    }
    const body =
      scope === '__viewer__'
        ? { email: email.trim(), role: 'viewer' as const }
        : scope === '__editor__'
          ? { email: email.trim(), role: 'editor' as const }
          : { email: email.trim(), role: 'editor' as const, partnerId: scope };
    const res = await api.POST('/api/proposals/{id}/invitations', {
      params: { path: { id: proposal.id } },
      body,
    });
    if (!res.response.ok) {
      const problem = toApiError(res.error, res.response);
      setError(
        problem.code === 'VALIDATION_FAILED'
          ? (problem.problem?.errors?.[0]?.message ?? problem.message)
          : problemText(t, problem),
      );
      return;
    }
    setError(null);
    setSent(email.trim());
    setEmail('');
    await queryClient.invalidateQueries({ queryKey: ['proposals', proposal.id, 'invitations'] });
  }

  const scopeLabel = (partnerId: string | null, role: string) =>
    role === 'viewer'
      ? t('workspace.invite.viewer')
      : partnerId
        ? t('workspace.invite.partnerEditor', {
            name: proposal.partners.find((p) => p.id === partnerId)?.organisation.name ?? partnerId,
          })
        : t('workspace.invite.editor');

  return (
    <section className="card ws-section" aria-labelledby="invite-title">
      <h2 id="invite-title">{t('workspace.invite.title')}</h2>
      <p className="muted small">{t('workspace.invite.intro')}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void invite();
        }}
      >
        <div className="ws-grid">
          <Field id="invite-email" label={t('workspace.invite.email')} error={error ?? undefined}>
            {(p) => (
              <input
                {...p}
                className="input"
                type="email"
                autoComplete="off"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
          <Field id="invite-scope" label={t('workspace.invite.as')}>
            {(p) => (
              <select {...p} className="input" value={scope} onChange={(e) => setScope(e.target.value)}>
                {proposal.partners.map((partner) => (
                  <option key={partner.id} value={partner.id}>
                    {scopeLabel(partner.id, 'editor')}
                  </option>
                ))}
                <option value="__editor__">{t('workspace.invite.editor')}</option>
                <option value="__viewer__">{t('workspace.invite.viewer')}</option>
              </select>
            )}
          </Field>
        </div>
        <div className="ws-actions">
          <button type="submit" className="button button--primary">
            {t('workspace.invite.send')}
          </button>
          <span role="status">{sent ? t('workspace.invite.sent', { email: sent }) : ''}</span>
        </div>
      </form>
      {invitations.data && invitations.data.length > 0 && (
        <ul className="invitations">
          {invitations.data.map((inv) => (
            <li key={inv.id}>
              <strong>{inv.email}</strong> – {scopeLabel(inv.partnerId, inv.role)} –{' '}
              <span className={`badge badge--inv-${inv.status}`}>
                {t(`workspace.invite.status.${inv.status}`)}
              </span>{' '}
              <span className="muted small">
                {t('workspace.invite.expires', { date: formatInstant(inv.expiresAt, lng, visitorZone()) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
