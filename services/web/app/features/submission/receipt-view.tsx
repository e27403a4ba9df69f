import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { formatInstant, intlLocale, zoneAbbreviation } from '../../lib/format';
import { commonProblemText } from './problem-text';
import { receiptPdfUrl, type ReceiptView } from './queries';
import { downloadWithSession } from './transfer';

/** "PGX-HEART v2": how the PDF receipt names itself, so the page and the paper say the same. */
export const receiptNumber = (receipt: Pick<ReceiptView, 'acronym' | 'version'>) =>
  `${receipt.acronym} v${receipt.version}`;

/** A receipt as the consortium keeps it: on screen and on paper (see the print rules in styles.css). */
export function ReceiptDetails({ receipt, callTitle }: { receipt: ReceiptView; callTitle: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const [error, setError] = useState<string | null>(null);
  const fileName = `receipt-${receipt.acronym}-v${receipt.version}.pdf`;
  const inZone = (zone: string) => (
    <>
      <time dateTime={receipt.submittedAt}>{formatInstant(receipt.submittedAt, lng, zone)}</time>{' '}
      <span className="zone">
        {zone === 'UTC' ? zone : `${zoneAbbreviation(receipt.submittedAt, lng, zone)} · ${zone}`}
      </span>
    </>
  );
  const size = new Intl.NumberFormat(intlLocale(lng), {
    style: 'unit',
    unit: 'kilobyte',
    maximumFractionDigits: 0,
  });
  return (
    <section aria-labelledby="receipt-heading" className="card receipt">
      <h2 id="receipt-heading">{t('submission.receipt.heading')}</h2>
      <dl className="receipt__facts">
        <div>
          <dt>{t('submission.receipt.number')}</dt>
          <dd className="receipt__number">{receiptNumber(receipt)}</dd>
        </div>
        <div>
          <dt>{t('submission.receipt.call')}</dt>
          <dd lang="en">{callTitle}</dd>
        </div>
        <div>
          <dt>{t('submission.receipt.proposal')}</dt>
          <dd lang="en">
            {receipt.acronym} — {receipt.title}
          </dd>
        </div>
        <div>
          <dt>{t('submission.receipt.stage')}</dt>
          <dd>{t(receipt.stage === 'full-proposal' ? 'submission.stage.full' : 'submission.stage.pre')}</dd>
        </div>
        <div>
          <dt>{t('submission.receipt.utc')}</dt>
          <dd>{inZone('UTC')}</dd>
        </div>
        <div>
          <dt>{t('submission.receipt.callZone')}</dt>
          <dd>{inZone(receipt.zone)}</dd>
        </div>
        <div>
          <dt>{t('submission.receipt.callVersion')}</dt>
          <dd>{receipt.callVersion}</dd>
        </div>
        <div>
          <dt>{t('submission.receipt.hash')}</dt>
          <dd>
            <code className="hash">{receipt.contentHash}</code>
          </dd>
        </div>
      </dl>
      <h3>{t('submission.receipt.documents')}</h3>
      <ul className="receipt__documents">
        {receipt.documents.map((d) => (
          <li key={d.sha256}>
            <strong>{d.name}</strong>{' '}
            <span className="muted small">
              {t('submission.receipt.documentFacts', {
                pages: d.pages,
                size: size.format(Math.max(1, Math.round(d.bytes / 1000))),
              })}
            </span>
            <br />
            <code className="hash small">{d.sha256}</code>
          </li>
        ))}
      </ul>
      <p className="receipt__note muted small">{t('submission.receipt.note')}</p>
      <div className="receipt__actions no-print">
        <Button
          className="button button--primary"
          onPress={() => {
            setError(null);
            downloadWithSession(receiptPdfUrl(receipt.proposalId, receipt.version), fileName).catch(
              (cause: unknown) => setError(commonProblemText(t, cause)),
            );
          }}
        >
          {t('submission.receipt.download')}
        </Button>
        <Button className="button" onPress={() => window.print()}>
          {t('submission.receipt.print')}
        </Button>
      </div>
      {error && (
        <p role="alert" className="notice notice--error">
          {error}
        </p>
      )}
    </section>
  );
}
