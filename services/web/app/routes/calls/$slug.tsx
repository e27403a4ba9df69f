import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { Link, createFileRoute, notFound } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { NotFound } from '../../components/not-found';
import { QueryError } from '../../components/query-error';
import { ApiError } from '../../lib/api';
import { DeadlineText } from '../../features/calls/deadline-text';
import { useServerNow } from '../../lib/clock';
import {
  countryName,
  formatDate,
  formatInstant,
  formatMoney,
  visitorZone,
  zoneAbbreviation,
} from '../../lib/format';
import { useDocumentTitle } from '../../lib/title';
import { StartProposal } from '../../features/workspace/start-proposal';
import { ChangeList, isCallChange } from '../../features/calls/change-list';
import { localRuleText } from '../../features/calls/rule-text';
import { callStateLabel, ruleStageLabel, stageLabel, stageStatusLabel } from '../../features/calls/labels';
import {
  calendarUrl,
  callQuery,
  fundersQuery,
  nextDeadline,
  rulesQuery,
  stagesQuery,
  versionsQuery,
  type FunderView,
  type RuleView,
} from '../../features/calls/queries';

export const Route = createFileRoute('/calls/$slug')({
  // Every request of the page starts at once, while the page's code chunk loads; only the call
  // itself is awaited (a 404 shows the not-found page).
  loader: async ({ context: { queryClient }, params: { slug } }) => {
    void queryClient.prefetchQuery(stagesQuery(slug));
    void queryClient.prefetchQuery(fundersQuery(slug));
    void queryClient.prefetchQuery(rulesQuery(slug));
    void queryClient.prefetchQuery(versionsQuery(slug));
    try {
      await queryClient.ensureQueryData(callQuery(slug));
    } catch (error) {
      // TanStack Router's way to show the route's not-found page: it throws a marker, not an Error.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (error instanceof ApiError && error.status === 404) throw notFound();
      throw error;
    }
  },
  component: CallPage,
  notFoundComponent: NotFound,
  errorComponent: ({ error, reset }) => <QueryError error={error} retry={reset} />,
});

interface Definition {
  title: string;
  topic: string;
  zone: string;
}

function CallPage() {
  const { slug } = Route.useParams();
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const { data: call } = useSuspenseQuery(callQuery(slug));
  const definition = call.definition as unknown as Definition;
  useDocumentTitle(definition.title);
  return (
    <article className="call">
      <p className="crumb">
        <Link to="/">← {t('call.back')}</Link>
      </p>
      <header className="call__header">
        <h1 lang="en">{definition.title}</h1>
        <p className="call-card__meta">
          <span className={`badge badge--${call.state}`}>{callStateLabel(t, call.state)}</span>
          <span>
            {t('call.version', {
              version: call.version,
              date: formatDate(call.publishedAt, lng, visitorZone()),
            })}
          </span>
        </p>
      </header>
      <section aria-labelledby="topic" className="call__topic">
        <h2 id="topic" className="visually-hidden">
          {t('call.topic')}
        </h2>
        <p className="lead" lang="en">
          {definition.topic}
        </p>
        {lng !== 'en' && <p className="muted small">{t('call.dataLanguage')}</p>}
      </section>
      <Deadline slug={slug} zone={definition.zone} />
      <Apply slug={slug} />
      <nav aria-label={t('call.onThisPage')} className="toc">
        <ul>
          <li>
            <a href="#stages">{t('call.stages')}</a>
          </li>
          <li>
            <a href="#funders">{t('call.funders')}</a>
          </li>
          <li>
            <a href="#rules">{t('call.rules')}</a>
          </li>
          <li>
            <a href="#changes">{t('call.changeLog')}</a>
          </li>
        </ul>
      </nav>
      <Stages slug={slug} zone={definition.zone} />
      <Funders slug={slug} />
      <Rules slug={slug} />
      <ChangeLog slug={slug} />
    </article>
  );
}

function useStages(slug: string) {
  return useQuery(stagesQuery(slug));
}

/** "Apply": while the call takes new proposals (its first submission stage is open). */
function Apply({ slug }: { slug: string }) {
  const stages = useStages(slug);
  const list = stages.data?.stages ?? [];
  const first =
    list.find((s) => s.kind === 'pre-proposal-submission') ??
    list.find((s) => s.kind === 'full-proposal-submission');
  return <StartProposal slug={slug} open={first?.status === 'open'} />;
}

function Deadline({ slug, zone }: { slug: string; zone: string }) {
  const { t } = useTranslation();
  const stages = useStages(slug);
  const now = useServerNow(60_000);
  const next = stages.data ? nextDeadline(stages.data.stages, now) : null;
  return (
    <section aria-labelledby="deadline" className="card deadline deadline--hero">
      <h2 id="deadline" className="deadline__title">
        {t('calls.nextDeadline')}
      </h2>
      {stages.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : stages.isError ? (
        <QueryError error={stages.error} retry={() => void stages.refetch()} />
      ) : (
        <DeadlineText next={next} zone={zone} />
      )}
      <p className="subscribe">
        <a className="button button--primary" href={calendarUrl(slug)} type="text/calendar">
          {t('call.subscribe')}
        </a>
        <span className="muted small">{t('call.subscribeHint')}</span>
      </p>
    </section>
  );
}

function Stages({ slug, zone }: { slug: string; zone: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const stages = useStages(slug);
  const when = (iso: string) => (
    <>
      <time dateTime={iso}>{formatInstant(iso, lng, zone)}</time>{' '}
      <span className="zone">{zoneAbbreviation(iso, lng, zone)}</span>
    </>
  );
  return (
    <section aria-labelledby="stages" className="section">
      <h2 id="stages">{t('call.stages')}</h2>
      <p className="muted">{t('call.stagesZone', { zone })}</p>
      {stages.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : stages.isError ? (
        <QueryError error={stages.error} retry={() => void stages.refetch()} />
      ) : (
        <ol className="stages">
          {stages.data.stages.map((s) => (
            <li key={s.kind} className={`stage stage--${s.status}`}>
              <div className="stage__head">
                <h3 className="stage__name">{stageLabel(t, s.kind, s.label)}</h3>
                <span className={`badge badge--stage-${s.status}`}>{stageStatusLabel(t, s.status)}</span>
              </div>
              <dl className="stage__times">
                <div>
                  <dt>{t('call.opens')}</dt>
                  <dd>{when(s.opensAt.utc)}</dd>
                </div>
                <div>
                  <dt>{t('call.closes')}</dt>
                  <dd>{when(s.closesAt.utc)}</dd>
                </div>
              </dl>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Funders({ slug }: { slug: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const funders = useQuery(fundersQuery(slug));
  const sorted = (list: FunderView[]) =>
    [...list].sort((a, b) =>
      countryName(a.country ?? '', lng).localeCompare(countryName(b.country ?? '', lng), lng),
    );
  return (
    <section aria-labelledby="funders" className="section">
      <h2 id="funders">{t('call.funders')}</h2>
      <p>{t('call.fundersIntro')}</p>
      {funders.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : funders.isError ? (
        <QueryError error={funders.error} retry={() => void funders.refetch()} />
      ) : (
        <div className="table-wrap" role="region" aria-labelledby="funders" tabIndex={0}>
          <table className="table">
            <caption className="visually-hidden">
              {t('call.fundersCount', { count: funders.data.funders.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('call.funder')}</th>
                <th scope="col">{t('call.country')}</th>
                <th scope="col" className="num">
                  {t('call.budget')}
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted(funders.data.funders).map((f) => (
                <tr key={f.id}>
                  <th scope="row">
                    <span className="funder__acronym">{f.acronym ?? f.id}</span>
                    <span className="funder__name" lang="en">
                      {f.name}
                    </span>
                  </th>
                  <td>
                    {f.country ? countryName(f.country, lng) : '—'}
                    {f.region && <span className="funder__region muted small">{f.region}</span>}
                  </td>
                  <td className="num">{formatMoney(f.commitment.amountMinor, f.commitment.currency, lng)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RuleItem({ rule, funderName }: { rule: RuleView; funderName: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  const local = localRuleText(t, rule, i18n.resolvedLanguage ?? 'en', funderName);
  return (
    <li className={`rule rule--${rule.level}`}>
      <p className="rule__head">
        <span className={`badge badge--rule-${rule.level}`}>
          {rule.level === 'error' ? t('call.ruleError') : t('call.ruleWarning')}
        </span>
        <span className="muted small">{ruleStageLabel(t, rule.stage)}</span>
      </p>
      {local ? (
        <p className="rule__text">{local}</p>
      ) : (
        <p className="rule__text" lang="en">
          {rule.text}
        </p>
      )}
      {rule.source?.url ? (
        <p className="small">
          {t('common.source')}:{' '}
          <a href={rule.source.url} rel="noreferrer external">
            {rule.source.title ?? new URL(rule.source.url).hostname}
          </a>
        </p>
      ) : rule.assumption ? (
        <p className="small rule__assumption">{t('call.assumption')}</p>
      ) : null}
    </li>
  );
}

function Rules({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const rules = useQuery(rulesQuery(slug));
  const funders = useQuery(fundersQuery(slug));
  const names = new Map((funders.data?.funders ?? []).map((f) => [f.id, f.acronym ?? f.name]));
  const funderName = (id: string) => names.get(id) ?? id;
  const national = new Map<string, RuleView[]>();
  for (const r of rules.data?.rules ?? []) {
    if (r.scope !== 'funder') continue;
    const key = r.funderId ?? '';
    national.set(key, [...(national.get(key) ?? []), r]);
  }
  return (
    <section aria-labelledby="rules" className="section">
      <h2 id="rules">{t('call.rules')}</h2>
      <p>{t('call.rulesIntro')}</p>
      {rules.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : rules.isError ? (
        <QueryError error={rules.error} retry={() => void rules.refetch()} />
      ) : (
        <>
          <h3>{t('call.callRules')}</h3>
          <ul className="rules">
            {rules.data.rules
              .filter((r) => r.scope === 'call')
              .map((r) => (
                <RuleItem key={r.id} rule={r} funderName={funderName} />
              ))}
          </ul>
          <h3>{t('call.nationalRules')}</h3>
          {[...national].map(([funderId, list]) => (
            <section key={funderId} className="national" aria-labelledby={`rules-${funderId}`}>
              <h4 id={`rules-${funderId}`}>{names.get(funderId) ?? funderId}</h4>
              <ul className="rules">
                {list.map((r) => (
                  <RuleItem key={r.id} rule={r} funderName={funderName} />
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
    </section>
  );
}

function ChangeLog({ slug }: { slug: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const versions = useQuery(versionsQuery(slug));
  return (
    <section aria-labelledby="changes" className="section">
      <h2 id="changes">{t('call.changeLog')}</h2>
      <p>{t('call.changeLogIntro')}</p>
      {versions.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : versions.isError ? (
        <QueryError error={versions.error} retry={() => void versions.refetch()} />
      ) : (
        <ol className="versions" reversed>
          {[...versions.data]
            .sort((a, b) => b.version - a.version)
            .map((v) => (
              <li key={v.version} className="card version">
                <h3>{t('call.versionEntry', { version: v.version })}</h3>
                <p className="muted small">
                  {t('call.publishedBy', {
                    date: formatInstant(v.publishedAt, lng, visitorZone()),
                    who: v.publishedBy,
                  })}
                </p>
                <p>
                  <strong>{t('call.reason')}:</strong> <span lang="en">{v.reason}</span>
                </p>
                {v.changes.length === 0 ? (
                  <p className="small">{t('call.noChanges')}</p>
                ) : (
                  <ChangeList changes={v.changes.filter(isCallChange)} />
                )}
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
