import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Button, DropZone, FileTrigger, ProgressBar, Text } from 'react-aria-components';
import type { DropZoneProps, FileDropItem } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { formatInstant, intlLocale, visitorZone } from '../../lib/format';
import { uploadProblemText } from './problem-text';
import type { DocumentView, ProposalView } from './queries';
import { documentUrl, proposalQuery } from './queries';
import { downloadWithSession, uploadDocument, type UploadProgress } from './transfer';

type DropEvent = Parameters<NonNullable<DropZoneProps['onDrop']>>[0];

type Status =
  | { kind: 'idle' }
  | { kind: 'sending'; name: string; progress: UploadProgress | null }
  | { kind: 'checking'; name: string }
  | { kind: 'done'; name: string }
  | { kind: 'refused'; name: string; message: string };

/**
 * One document slot (the proposal PDF, or an annex): what is there, and a drop zone plus a picker
 * to upload or replace it. The server decides by content; this page only says in plain words what
 * it answered.
 */
export function DocumentUpload({
  proposal,
  kind,
  canUpload,
}: {
  proposal: ProposalView;
  kind: 'proposal' | 'annex';
  canUpload: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const queryClient = useQueryClient();
  const current = proposal.documents.find((d) => d.kind === kind) ?? null;
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const busy = status.kind === 'sending' || status.kind === 'checking';
  const statusId = `upload-status-${kind}`;
  const headingId = `document-${kind}`;
  const abort = useRef<AbortController | null>(null);

  async function send(file: File) {
    if (busy) return;
    abort.current = new AbortController();
    setStatus({ kind: 'sending', name: file.name, progress: null });
    try {
      const stored: DocumentView = await uploadDocument({
        proposalId: proposal.id,
        kind,
        file,
        replaces: current?.sha256 ?? null,
        signal: abort.current.signal,
        onProgress: (progress) =>
          // Every byte sent: the server now reads and checks the file before it answers.
          setStatus(
            progress.loaded >= progress.total
              ? { kind: 'checking', name: file.name }
              : { kind: 'sending', name: file.name, progress },
          ),
      });
      setStatus({ kind: 'done', name: stored.fileName });
      queryClient.setQueryData(proposalQuery(proposal.id).queryKey, (old) =>
        old ? { ...old, documents: [...old.documents.filter((d) => d.kind !== kind), stored] } : old,
      );
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') {
        setStatus({ kind: 'idle' });
        return;
      }
      setStatus({ kind: 'refused', name: file.name, message: uploadProblemText(t, error) });
      // A 412 means someone replaced the file meanwhile: show what is there now.
      void queryClient.invalidateQueries({ queryKey: proposalQuery(proposal.id).queryKey });
    }
  }

  async function onDrop(event: DropEvent) {
    const item = event.items.find((i: DropEvent['items'][number]): i is FileDropItem => i.kind === 'file');
    if (item) await send(await item.getFile());
  }

  async function download() {
    if (!current) return;
    setDownloadError(null);
    try {
      await downloadWithSession(documentUrl(proposal.id, kind), current.fileName);
    } catch (error) {
      setDownloadError(uploadProblemText(t, error));
    }
  }

  const bytes = new Intl.NumberFormat(intlLocale(lng), {
    style: 'unit',
    unit: 'kilobyte',
    maximumFractionDigits: 0,
  });
  return (
    <section aria-labelledby={headingId} className="card upload">
      <h2 id={headingId}>{t(`submission.documents.kind.${kind}`)}</h2>
      {current ? (
        <div className="upload__current">
          <p>
            <strong className="upload__name">{current.fileName}</strong>
          </p>
          <p className="muted small">
            {t('submission.documents.facts', {
              pages: current.pages,
              size: bytes.format(Math.max(1, Math.round(current.bytes / 1000))),
              date: formatInstant(current.uploadedAt, lng, visitorZone()),
            })}
          </p>
          <p className="muted small hash">
            {t('submission.documents.sha256')} <code>{current.sha256}</code>
          </p>
          <Button className="button" onPress={() => void download()}>
            {t('submission.documents.download', { name: current.fileName })}
          </Button>
          {downloadError && (
            <p role="alert" className="notice notice--error">
              {downloadError}
            </p>
          )}
        </div>
      ) : (
        <p>
          {t(kind === 'proposal' ? 'submission.documents.noneRequired' : 'submission.documents.noneOptional')}
        </p>
      )}

      {canUpload ? (
        <DropZone
          className="dropzone"
          isDisabled={busy}
          aria-label={t(current ? 'submission.documents.dropReplace' : 'submission.documents.drop', {
            kind: t(`submission.documents.kind.${kind}`),
          })}
          onDrop={(event) => void onDrop(event)}
        >
          <Text slot="label" className="dropzone__label">
            {t(current ? 'submission.documents.dropReplace' : 'submission.documents.drop', {
              kind: t(`submission.documents.kind.${kind}`),
            })}
          </Text>
          <p className="muted small">{t('submission.documents.rules')}</p>
          <FileTrigger
            acceptedFileTypes={['application/pdf', '.pdf']}
            onSelect={(files) => {
              const file = files?.[0];
              if (file) void send(file);
            }}
          >
            <Button className="button button--primary" isDisabled={busy} aria-describedby={statusId}>
              {t(current ? 'submission.documents.chooseReplace' : 'submission.documents.choose')}
              {/* Two slots, two pickers: each button's name says which document it is for. */}
              <span className="visually-hidden"> ({t(`submission.documents.kind.${kind}`)})</span>
            </Button>
          </FileTrigger>
        </DropZone>
      ) : (
        <p className="muted">{t('submission.documents.readOnly')}</p>
      )}

      <div id={statusId} aria-live="polite" className="upload__status">
        {status.kind === 'sending' && (
          <>
            <ProgressBar
              className="progress"
              value={status.progress?.loaded ?? 0}
              maxValue={status.progress?.total ?? 1}
              isIndeterminate={!status.progress}
              aria-label={t('submission.documents.sending', { name: status.name })}
            >
              {({ percentage }) => (
                <>
                  <span className="progress__label">
                    {t('submission.documents.sending', { name: status.name })}
                    {status.progress && ` · ${Math.round(percentage ?? 0)} %`}
                  </span>
                  <span className="progress__track">
                    <span className="progress__fill" style={{ width: `${percentage ?? 0}%` }} />
                  </span>
                </>
              )}
            </ProgressBar>
            <Button className="button" onPress={() => abort.current?.abort()}>
              {t('submission.documents.cancel')}
            </Button>
          </>
        )}
        {status.kind === 'checking' && <p>{t('submission.documents.checking', { name: status.name })}</p>}
        {status.kind === 'done' && (
          <p className="notice notice--ok">{t('submission.documents.stored', { name: status.name })}</p>
        )}
        {status.kind === 'refused' && (
          <div role="alert" className="notice notice--error">
            <p>
              <strong>{t('submission.documents.refused', { name: status.name })}</strong>
            </p>
            <p>{status.message}</p>
          </div>
        )}
      </div>
    </section>
  );
}
