import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Button, Form, Label, TextArea, TextField, Text, FieldError } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { DeadlineTimes } from '../../components/deadline-times';
import { QueryError } from '../../components/query-error';
import { api, unwrap } from '../../lib/api';
import { serverNow, useServerNow } from '../../lib/clock';
import { formatInstant, formatMoney, visitorZone } from '../../lib/format';
import { callQuery, stagesQuery } from '../calls/queries';
import { commonProblemText } from './problem-text';
import {
  changeReportQuery,
  proposalQuery,
  rebuttalQuery,
  rebuttalReviewsQuery,
  receiptsQuery,
  versionQuery,
  type ProposalView,
} from './queries';
import { receiptNumber } from './receipt-view';
import { downloadWithSession } from './transfer';
import { versionChanges, type VersionChange } from './version-changes';

/** Submitted versions, newest first, each with what changed since the one before. */
export function VersionList({ proposal }: { proposal: ProposalView }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const receipts = useQuery(receiptsQuery(proposal.id));
  const seqs = (receipts.data ?? []).map((r) => r.version);
  const documents = useQueries({ queries: seqs.map((seq) => versionQuery(proposal.id, seq)) });
  const bySeq = new Map(seqs.map((seq, i) => [seq, documents[i]?.data]));

  if (receipts.isPending) return <p className="muted">{t('common.loading')}</p>;
  if (receipts.isError) return <QueryError error={receipts.error} retry={() => void receipts.refetch()} />;
  if (receipts.data.length === 0) return <p>{t('submission.history.none')}</p>;
  const newestFirst = [...receipts.data].sort((a, b) => b.version - a.version);
  return (
    <ol className="versions" reversed>
      {newestFirst.map((receipt) => {
        const before = [...receipts.data]
          .filter((r) => r.version < receipt.version && r.stage === receipt.stage)
          .sort((a, b) => b.version - a.version)[0];
        const now = bySeq.get(receipt.version);
        const then = before ? bySeq.get(before.version) : undefined;
        return (
          <li key={receipt.version} className="card version">
            <h3>
              {t('submission.history.version', { number: receiptNumber(receipt) })}{' '}
              <span className="badge">
                {t(receipt.stage === 'full-proposal' ? 'submission.stage.full' : 'submission.stage.pre')}
              </span>
            </h3>
            <p className="muted small">
              {t('submission.history.submittedAt', {
                date: formatInstant(receipt.submittedAt, lng, visitorZone()),
              })}
            </p>
            {!before ? (
              <p>{t('submission.history.first')}</p>
            ) : now && then ? (
              <ChangeItems changes={versionChanges(then, now)} />
            ) : (
              <p className="muted">{t('common.loading')}</p>
            )}
            <p>
              <Link
                to="/proposals/$id/receipts/$seq"
                params={{ id: proposal.id, seq: String(receipt.version) }}
              >
                {t('submission.history.receipt', { number: receiptNumber(receipt) })}
              </Link>
            </p>
          </li>
        );
      })}
    </ol>
  );
}

function ChangeItems({ changes }: { changes: VersionChange[] }) {
  const { t } = useTranslation();
  if (changes.length === 0) return <p>{t('submission.history.unchanged')}</p>;
  return (
    <ul className="changes">
      {changes.map((change, i) => (
        <li key={i}>
          {change.kind === 'field'
            ? t('submission.history.field', { field: t(`submission.fields.${change.field}`) })
            : 'name' in change
              ? t(`submission.history.${change.kind}`, { name: change.name })
              : t(`submission.history.${change.kind}`, { file: change.file })}
        </li>
      ))}
    </ul>
  );
}

/** The full-proposal stage: reached when invited; the carry-over and its change report. */
export function FullStage({ proposal }: { proposal: ProposalView }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const queryClient = useQueryClient();
  const report = useQuery({ ...changeReportQuery(proposal.id), enabled: proposal.stage === 'full-proposal' });
  const open = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/proposals/{id}/full-proposal', { params: { path: { id: proposal.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: proposalQuery(proposal.id).queryKey }),
  });

  let body;
  if (proposal.stage === 'full-proposal') {
    if (report.isPending) body = <p className="muted">{t('common.loading')}</p>;
    else if (report.isError) body = <QueryError error={report.error} retry={() => void report.refetch()} />;
    else if (!report.data) body = <p>{t('submission.full.noReport')}</p>;
    else {
      const r = report.data;
      body = (
        <>
          <p>
            {t('submission.full.carriedOver', {
              seq: r.baseline.seq,
              date: formatInstant(r.baseline.submittedAt, lng, visitorZone()),
            })}
          </p>
          <ul className="changes">
            {r.partnersAdded.map((p) => (
              <li key={`a-${p.id}`}>
                {t('submission.history.partner-added', { name: `${p.organisation}, ${p.country}` })}
              </li>
            ))}
            {r.partnersRemoved.map((p) => (
              <li key={`r-${p.id}`}>
                {t('submission.history.partner-removed', { name: `${p.organisation}, ${p.country}` })}
              </li>
            ))}
            {r.coordinatorChanged && <li>{t('submission.full.coordinatorChanged')}</li>}
            {r.budget.totals
              .filter((total) => total.change !== 0)
              .map((total) => (
                <li key={total.currency}>
                  {t('submission.full.budget', {
                    before: formatMoney(total.before, total.currency, lng),
                    after: formatMoney(total.after, total.currency, lng),
                  })}
                </li>
              ))}
            {r.partnersAdded.length + r.partnersRemoved.length === 0 &&
              !r.coordinatorChanged &&
              r.budget.totals.every((total) => total.change === 0) && (
                <li>{t('submission.full.noChanges')}</li>
              )}
          </ul>
          <p className={r.requiresApproval ? 'notice notice--warning' : 'muted'}>
            {r.requiresApproval
              ? t('submission.full.needsApproval', {
                  reasons: r.approvalReasons
                    .map((reason) => t(`submission.full.reason.${reason}`, { defaultValue: reason }))
                    .join(', '),
                })
              : t('submission.full.noApproval')}
          </p>
        </>
      );
    }
  } else if (proposal.allowedEvents.includes('OPEN_FULL_PROPOSAL')) {
    body = (
      <>
        <p>{t('submission.full.invited')}</p>
        <Button className="button button--primary" onPress={() => open.mutate()} isDisabled={open.isPending}>
          {t('submission.full.open')}
        </Button>
        {open.isError && (
          <p role="alert" className="notice notice--error">
            {commonProblemText(t, open.error)}
          </p>
        )}
      </>
    );
  } else {
    body = (
      <p>
        {t(proposal.state === 'not-invited' ? 'submission.full.notInvited' : 'submission.full.notReached')}
      </p>
    );
  }
  return (
    <section aria-labelledby="full-heading" className="card stage-card">
      <h2 id="full-heading">{t('submission.full.title')}</h2>
      {body}
    </section>
  );
}

/** Unicode code points, as the server counts the rebuttal (an emoji is one, not two). */
export const codePoints = (text: string) => [...text].length;

/** The rebuttal: the anonymised reviews, the window, and the one answer within its limit. */
export function RebuttalStage({ proposal }: { proposal: ProposalView }) {
  const { t } = useTranslation();
  const reviews = useQuery(rebuttalReviewsQuery(proposal.id));
  const answer = useQuery(rebuttalQuery(proposal.id));
  const call = useQuery(callQuery(proposal.call.slug));
  // Read for the server's time it carries (learnt by the query): the window is the server's.
  const stages = useQuery(stagesQuery(proposal.call.slug));
  useServerNow(30_000); // re-render; the offset to the server's clock may be learnt after mount
  const now = serverNow();
  const max = (call.data?.definition as { rebuttal?: { maxCharacters?: number } } | undefined)?.rebuttal
    ?.maxCharacters;

  let body;
  if (reviews.isPending || answer.isPending || stages.isPending)
    body = <p className="muted">{t('common.loading')}</p>;
  else if (reviews.isError) body = <QueryError error={reviews.error} retry={() => void reviews.refetch()} />;
  else if (!reviews.data) body = <p>{t('submission.rebuttal.notReached')}</p>;
  else {
    const window = reviews.data.rebuttal;
    const open = Date.parse(window.opensAt) <= now && now < Date.parse(window.closesAt);
    body = (
      <>
        <h3>{t('submission.rebuttal.deadline')}</h3>
        <DeadlineTimes iso={window.closesAt} callZone={window.zone} />
        <h3>{t('submission.rebuttal.reviews')}</h3>
        {reviews.data.reviews.length === 0 ? (
          <p>{t('submission.rebuttal.noReviews')}</p>
        ) : (
          <ul className="reviews">
            {reviews.data.reviews.map((review) => (
              <li key={review.label} className="review">
                <h4>{review.label}</h4>
                <p className="small">
                  {review.scores.map((s) => `${s.criterionId}: ${s.score}`).join(' · ')}
                </p>
                {review.comments.map((c, i) => (
                  <p key={i} lang="en">
                    {c.criterionId && <strong>{c.criterionId}: </strong>}
                    {c.text}
                  </p>
                ))}
                {review.overall && <p lang="en">{review.overall}</p>}
              </li>
            ))}
          </ul>
        )}
        {answer.data ? (
          <>
            <h3>{t('submission.rebuttal.yours')}</h3>
            <p className="rebuttal-text" lang="en">
              {answer.data.text}
            </p>
          </>
        ) : open && proposal.you.role === 'coordinator' ? (
          <RebuttalForm proposalId={proposal.id} max={max} />
        ) : (
          <p>{t(open ? 'submission.rebuttal.coordinatorOnly' : 'submission.rebuttal.closed')}</p>
        )}
      </>
    );
  }
  return (
    <section aria-labelledby="rebuttal-heading" className="card stage-card">
      <h2 id="rebuttal-heading">{t('submission.rebuttal.title')}</h2>
      {body}
    </section>
  );
}

function RebuttalForm({ proposalId, max }: { proposalId: string; max: number | undefined }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const count = codePoints(text);
  const over = max !== undefined && count > max;
  const send = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/proposals/{id}/rebuttal', { params: { path: { id: proposalId } }, body: { text } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: rebuttalQuery(proposalId).queryKey }),
  });
  const number = new Intl.NumberFormat(i18n.resolvedLanguage ?? 'en');
  return (
    <Form
      onSubmit={(event) => {
        event.preventDefault();
        if (!over && text.trim()) send.mutate();
      }}
    >
      <TextField value={text} onChange={setText} isInvalid={over} className="field">
        <Label>{t('submission.rebuttal.label')}</Label>
        <TextArea rows={8} className="textarea" />
        <Text slot="description" className={over ? 'counter counter--over' : 'counter'}>
          {max !== undefined
            ? t('submission.rebuttal.counter', { count: number.format(count), max: number.format(max) })
            : t('submission.rebuttal.counterNoMax', { count: number.format(count) })}
        </Text>
        <FieldError>{t('submission.rebuttal.tooLong', { max })}</FieldError>
      </TextField>
      <Button type="submit" className="button button--primary" isDisabled={over || send.isPending}>
        {t('submission.rebuttal.send')}
      </Button>
      {send.isError && (
        <p role="alert" className="notice notice--error">
          {commonProblemText(t, send.error)}
        </p>
      )}
    </Form>
  );
}

const finalOutcomes = [
  'declined',
  'not-invited',
  'recommended',
  'not-recommended',
  'funded',
  'not-funded',
  'withdrawn',
] as const;
type FinalOutcome = (typeof finalOutcomes)[number];
const isFinal = (state: string): state is FinalOutcome =>
  (finalOutcomes as readonly string[]).includes(state);

/** The outcome once decided, its letter when the call office has sent it. */
export function OutcomeStage({ proposal }: { proposal: ProposalView }) {
  const { t } = useTranslation();
  const [letterError, setLetterError] = useState<string | null>(null);
  const state = proposal.state;
  return (
    <section aria-labelledby="outcome-heading" className="card stage-card">
      <h2 id="outcome-heading">{t('submission.outcome.title')}</h2>
      {isFinal(state) ? (
        <>
          <p className="outcome">{t(`submission.outcome.state.${state}`)}</p>
          <Button
            className="button"
            onPress={() => {
              setLetterError(null);
              downloadWithSession(
                `/api/funding/calls/${encodeURIComponent(proposal.call.slug)}/letters/outcome/${encodeURIComponent(proposal.id)}`,
                `outcome-${proposal.header.acronym}.pdf`,
              ).catch((cause: unknown) =>
                setLetterError(
                  cause instanceof Error && 'status' in cause && cause.status === 404
                    ? t('submission.outcome.noLetter')
                    : commonProblemText(t, cause),
                ),
              );
            }}
          >
            {t('submission.outcome.letter')}
          </Button>
          {letterError && (
            <p role="alert" className="notice">
              {letterError}
            </p>
          )}
        </>
      ) : (
        <p>{t('submission.outcome.notReached')}</p>
      )}
    </section>
  );
}
