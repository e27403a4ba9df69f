import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { DeadlineTimes } from '../../components/deadline-times';
import { QueryError } from '../../components/query-error';
import { api, unwrap } from '../../lib/api';
import { serverNow, useServerNow } from '../../lib/clock';
import { stagesQuery } from '../calls/queries';
import { commonProblemText, deadlineOf, type ProblemDeadline } from './problem-text';
import {
  proposalQuery,
  receiptsQuery,
  submissionStageKind,
  validationQuery,
  type ProposalView,
} from './queries';

/**
 * The submit step: the validation report (errors block, warnings do not), then a confirm dialog.
 * One Idempotency-Key per intent: made when the dialog opens and reused by every press and retry
 * of that dialog, so a double click, or a retry after a lost answer, stores one version.
 */
export function SubmitPanel({ proposal }: { proposal: ProposalView }) {
  const { t } = useTranslation();
  const validation = useQuery(validationQuery(proposal.id));
  const stages = useQuery(stagesQuery(proposal.call.slug));
  // Re-rendered every 15 s, and read afresh on every render: the offset to the server's clock is
  // learnt when the stages or the report arrive, after the first render.
  useServerNow(15_000);
  const now = serverNow();
  const [refusedDeadline, setRefusedDeadline] = useState<ProblemDeadline | null>(null);

  const submitEvent = proposal.stage === 'full-proposal' ? 'SUBMIT_FULL' : 'SUBMIT';
  const stage = stages.data?.stages.find((s) => s.kind === submissionStageKind(proposal.stage));
  const closed = stage ? Date.parse(stage.closesAt.utc) <= now : false;
  const deadline: ProblemDeadline | null =
    refusedDeadline ?? (stage ? { at: stage.closesAt.utc, zone: stage.closesAt.zone } : null);
  const mayNow = proposal.allowedEvents.includes(submitEvent) && !closed && !refusedDeadline;

  return (
    <>
      <section aria-labelledby="deadline-heading" className="card submit-deadline">
        <h2 id="deadline-heading">
          {t(closed || refusedDeadline ? 'submission.submit.closedTitle' : 'submission.submit.deadline')}
        </h2>
        {deadline ? (
          <>
            {(closed || refusedDeadline) && <p>{t('submission.submit.closedBody')}</p>}
            <DeadlineTimes iso={deadline.at} callZone={deadline.zone} />
          </>
        ) : stages.isError ? (
          <QueryError error={stages.error} retry={() => void stages.refetch()} />
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </section>

      <section aria-labelledby="report-heading" className="card report">
        <h2 id="report-heading">{t('submission.report.title')}</h2>
        {validation.isPending ? (
          <p className="muted">{t('common.loading')}</p>
        ) : validation.isError ? (
          <QueryError error={validation.error} retry={() => void validation.refetch()} />
        ) : (
          <>
            <p
              className={
                validation.data.blockingErrors > 0
                  ? 'report__verdict report__verdict--blocked'
                  : 'report__verdict report__verdict--ok'
              }
            >
              {validation.data.blockingErrors > 0
                ? t('submission.report.blocked', { count: validation.data.blockingErrors })
                : t('submission.report.ready')}{' '}
              {validation.data.warnings > 0 &&
                t('submission.report.warnings', { count: validation.data.warnings })}
            </p>
            {validation.data.problems.length > 0 && (
              <ul className="report__list">
                {validation.data.problems.map((problem, index) => (
                  <li
                    key={`${problem.code}-${problem.path}-${index}`}
                    className={`report__item report__item--${problem.level}`}
                  >
                    <span className={`badge badge--rule-${problem.level}`}>
                      {t(problem.level === 'error' ? 'submission.report.error' : 'submission.report.warning')}
                    </span>{' '}
                    <span lang="en">{problem.message}</span>
                    {problem.path && <span className="muted small"> ({problem.path})</span>}
                  </li>
                ))}
              </ul>
            )}
            {validation.data.problems.length > 0 && (
              <p className="muted small">{t('submission.report.language')}</p>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="submit-heading" className="card submit-action">
        <h2 id="submit-heading">{t('submission.submit.title')}</h2>
        {mayNow ? (
          validation.data && validation.data.blockingErrors === 0 ? (
            <ConfirmSubmit proposal={proposal} onDeadline={setRefusedDeadline} />
          ) : (
            <p>
              {t('submission.submit.fixFirst')}{' '}
              {validation.data?.problems.some(
                (p) => p.level === 'error' && !p.path.startsWith('/documents'),
              ) ? (
                <Link to="/proposals/$id" params={{ id: proposal.id }}>
                  {t('proposalNav.workspace')}
                </Link>
              ) : (
                <Link to="/proposals/$id/documents" params={{ id: proposal.id }}>
                  {t('submission.nav.documents')}
                </Link>
              )}
            </p>
          )
        ) : closed || refusedDeadline ? (
          <p>{t('submission.submit.noLonger')}</p>
        ) : proposal.you.role !== 'coordinator' ? (
          <p>{t('submission.submit.coordinatorOnly')}</p>
        ) : (
          <p>
            {t('submission.submit.notNow', {
              state: t(`submission.states.${proposal.state}`, { defaultValue: proposal.state }),
            })}
          </p>
        )}
      </section>
    </>
  );
}

function newKey(): string {
  return crypto.randomUUID();
}

function ConfirmSubmit({
  proposal,
  onDeadline,
}: {
  proposal: ProposalView;
  onDeadline: (deadline: ProblemDeadline) => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const intent = useRef<string | null>(null);
  const [pending, setPending] = useState(false);
  const inFlight = useRef(false);
  const [error, setError] = useState<string | null>(null);
  const document = proposal.documents.find((d) => d.kind === 'proposal');

  async function submit(close: () => void) {
    // A second press while the first is on its way sends nothing new; the key would make it
    // harmless anyway, this keeps the page from racing itself.
    if (inFlight.current || !intent.current) return;
    inFlight.current = true;
    setPending(true);
    setError(null);
    try {
      const receipt = await unwrap(
        api.POST('/api/proposals/{id}/submit', {
          params: { path: { id: proposal.id }, header: { 'idempotency-key': intent.current } },
        }),
      );
      intent.current = null;
      close();
      await queryClient.invalidateQueries({ queryKey: proposalQuery(proposal.id).queryKey });
      queryClient.removeQueries({ queryKey: receiptsQuery(proposal.id).queryKey });
      await navigate({
        to: '/proposals/$id/receipts/$seq',
        params: { id: proposal.id, seq: String(receipt.version) },
      });
    } catch (cause) {
      const deadline = deadlineOf(cause);
      if (deadline) {
        close();
        onDeadline(deadline);
        await queryClient.invalidateQueries({ queryKey: proposalQuery(proposal.id).queryKey });
      } else {
        setError(commonProblemText(t, cause));
      }
    } finally {
      inFlight.current = false;
      setPending(false);
    }
  }

  return (
    <>
      <p>{t('submission.submit.explain')}</p>
      <DialogTrigger
        onOpenChange={(open) => {
          // One intent per opening of the dialog: every press inside it reuses this key.
          if (open) {
            intent.current = newKey();
            setError(null);
          }
        }}
      >
        <Button className="button button--primary">{t('submission.submit.open')}</Button>
        <Modal className="modal" isDismissable={!pending}>
          <Dialog className="dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title">{t('submission.confirm.title')}</Heading>
                <p>
                  {t('submission.confirm.body', {
                    acronym: proposal.header.acronym,
                    stage: t(
                      proposal.stage === 'full-proposal' ? 'submission.stage.full' : 'submission.stage.pre',
                    ),
                  })}
                </p>
                {document && (
                  <p className="muted small">
                    {t('submission.confirm.document', { name: document.fileName, pages: document.pages })}
                  </p>
                )}
                <p className="muted small">{t('submission.confirm.again')}</p>
                {/* Said, not only shown: the button's text changes while the submit is on its way. */}
                <p role="status" className="visually-hidden">
                  {pending ? t('submission.confirm.sending') : ''}
                </p>
                {error && (
                  <div role="alert" className="notice notice--error">
                    <p>{error}</p>
                  </div>
                )}
                <div className="dialog__actions">
                  <Button className="button" onPress={close} isDisabled={pending}>
                    {t('submission.confirm.cancel')}
                  </Button>
                  <Button
                    className="button button--primary"
                    onPress={() => void submit(close)}
                    isDisabled={pending}
                  >
                    {pending
                      ? t('submission.confirm.sending')
                      : error
                        ? t('submission.confirm.retry')
                        : t('submission.confirm.submit')}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </DialogTrigger>
    </>
  );
}
