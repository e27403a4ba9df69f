import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { learnServerTime } from '../../lib/clock';

// The public call routes declare stages, funders and rules as `unknown[]` in the OpenAPI document;
// these are the shapes the calls service sends (services/calls/src/public-view.ts, plugin.ts).
export interface StageInstant {
  utc: string;
  zone: string;
  local: string;
}
export interface StageView {
  kind: string;
  label: string;
  opensAt: StageInstant;
  closesAt: StageInstant;
  status: 'open' | 'upcoming' | 'closed';
}
export interface StagesView {
  version: number;
  zone: string;
  serverTime: string;
  stages: StageView[];
}
export interface Money {
  currency: string;
  amountMinor: number;
}
export interface FunderView {
  id: string;
  acronym: string | null;
  name: string;
  country: string | null;
  region: string | null;
  commitment: Money;
  note?: string;
}
export interface RuleView {
  id: string;
  kind: string;
  level: 'error' | 'warning';
  scope: 'call' | 'funder';
  stage: 'both' | 'pre-proposal' | 'full-proposal';
  funderId?: string;
  assumption?: boolean;
  source?: { url?: string; title?: string };
  note?: string;
  /** The kind's parameters (numbers, amounts, types), as data. */
  params?: Record<string, unknown>;
  text: string;
}

export const callsQuery = queryOptions({
  queryKey: ['calls'],
  queryFn: () => unwrap(api.GET('/api/calls')),
});

export const callQuery = (slug: string) =>
  queryOptions({
    queryKey: ['calls', slug],
    queryFn: () => unwrap(api.GET('/api/calls/{slug}', { params: { path: { slug } } })),
  });

export const stagesQuery = (slug: string) =>
  queryOptions({
    queryKey: ['calls', slug, 'stages'],
    queryFn: async () => {
      const view = (await unwrap(
        api.GET('/api/calls/{slug}/stages', { params: { path: { slug }, query: {} } }),
      )) as StagesView;
      // Learnt once per answer (not per render), so countdowns run on the server's clock.
      learnServerTime(view.serverTime);
      return view;
    },
  });

export const fundersQuery = (slug: string) =>
  queryOptions({
    queryKey: ['calls', slug, 'funders'],
    queryFn: async () => {
      const body = await unwrap(api.GET('/api/calls/{slug}/funders', { params: { path: { slug } } }));
      return { version: body.version, funders: body.funders as FunderView[] };
    },
  });

export const rulesQuery = (slug: string) =>
  queryOptions({
    queryKey: ['calls', slug, 'rules'],
    queryFn: async () => {
      const body = await unwrap(api.GET('/api/calls/{slug}/rules', { params: { path: { slug } } }));
      return { version: body.version, rules: body.rules as RuleView[] };
    },
  });

export const versionsQuery = (slug: string) =>
  queryOptions({
    queryKey: ['calls', slug, 'versions'],
    queryFn: () => unwrap(api.GET('/api/calls/{slug}/versions', { params: { path: { slug } } })),
  });

export const calendarUrl = (slug: string) => `/api/calls/${encodeURIComponent(slug)}/calendar.ics`;

/** Stages in which a consortium hands something in: their end is a deadline. */
const submissionKinds = new Set(['pre-proposal-submission', 'full-proposal-submission', 'rebuttal']);

/** The next submission deadline after `now`, or null when none is left. */
export function nextDeadline(stages: readonly StageView[], now: number): StageView | null {
  return stages.find((s) => submissionKinds.has(s.kind) && Date.parse(s.closesAt.utc) > now) ?? null;
}
