import { eq, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { schema, systemActor, type Db } from '@permed/db';
import { defaultCriteria, minorUnitDigits, type CallDefinitionInput, type Clock } from '@permed/domain';
import { demoCallFunderEntries, demoCallRules, funderRegistry } from '@permed/rules';
import { createCall, publishCall } from './manage-calls.ts';

/** Upserts the funder registry (reference/funders.json, validated by @permed/rules). */
export async function seedFunderRegistry(db: Db): Promise<number> {
  for (const f of funderRegistry) {
    const row = {
      id: f.id,
      acronym: f.acronym,
      name: f.name,
      country: f.country,
      region: f.region ?? null,
      coveredRegions: f.coveredRegions ?? null,
      currency: f.currency,
      website: f.website ?? null,
      nameConfirmed: f.nameConfirmed,
      note: f.note ?? null,
    };
    await db.insert(schema.funders).values(row).onConflictDoUpdate({ target: schema.funders.id, set: row });
  }
  return funderRegistry.length;
}

const ZONE = 'Europe/Brussels';

/**
 * Demo commitments. The reference gives only the call total (about 27 M€ for JTC2020), not the
 * per-funder split, so these figures are assumptions that add up to about that total.
 */
const demoCommitments: Record<string, number> = {
  bmbf: 4_000_000,
  anr: 2_500_000,
  isciii: 2_000_000,
  'it-moh': 2_000_000,
  frrb: 1_000_000,
  tuscreg: 600_000,
  smwk: 500_000,
  'frs-fnrs': 600_000,
  hrb: 600_000,
  aka: 700_000,
  fnr: 300_000,
  vr: 900_000,
  rcn: 8_000_000,
  innofond: 4_500_000,
  frqs: 900_000,
  ncbr: 4_400_000,
  nkfih: 150_000_000,
  'cso-moh': 1_500_000,
  uefiscdi: 2_400_000,
  tubitak: 4_000_000,
  senacyt: 300_000,
  asrt: 5_000_000,
  'mse-hr': 300_000,
  viaa: 300_000,
  mizs: 300_000,
  gsrt: 500_000,
  cdti: 1_000_000,
  'catalonia-health': 500_000,
  'gn-navarra': 500_000,
  fwf: 800_000,
  etag: 300_000,
  zonmw: 1_000_000,
};

/** Fixed rates (1 EUR = x units). Only NCBR's EUR/PLN rate is sourced (JTC2021); the rest are demo values. */
const demoRates = [
  {
    currency: 'PLN',
    rate: '4.4373',
    source: 'https://bip.ncbr.gov.pl/aktualne-konkursy/szczegoly-konkursu/competition/iv-konkurs-jtc-2021/',
    note: 'NCBR fixed this rate for JTC2021',
  },
  ...Object.entries({
    CAD: '1.47',
    DKK: '7.47',
    EGP: '17.5',
    HUF: '335',
    ILS: '3.8',
    NOK: '10.5',
    USD: '1.1',
    RON: '4.8',
    TRY: '6.6',
  }).map(([currency, rate]) => ({
    currency,
    rate,
    note: 'demo value: the reference gives no fixed rate for this currency',
  })),
];

/** ERA PerMed JTC2020 as announced: opening 16 Dec 2019, pre-proposals 5 Mar 2020 17:00 CET, full 15 Jun 2020 17:00 CEST. */
export function jtc2020Definition(): CallDefinitionInput {
  const at = (local: string) => ({ local, zone: ZONE });
  const currencyOf = (id: string) => funderRegistry.find((f) => f.id === id)!.currency;
  return {
    slug: 'era-permed-jtc-2020',
    title: 'ERA PerMed JTC2020: Personalised Medicine – Multidisciplinary Research Towards Implementation',
    topic:
      'Pre-clinical and clinical research, Big Data & ICT, and implementation of personalised medicine including the user perspective (http://www.erapermed.eu/joint-calls/joint-transnational-call-2020/).',
    zone: ZONE,
    twoStage: true,
    reportingCurrency: 'EUR',
    stages: [
      { kind: 'pre-announcement', opensAt: at('2019-11-01T09:00'), closesAt: at('2019-12-16T09:00') },
      { kind: 'pre-proposal-submission', opensAt: at('2019-12-16T09:00'), closesAt: at('2020-03-05T17:00') },
      { kind: 'eligibility-check', opensAt: at('2020-03-05T17:00'), closesAt: at('2020-04-03T17:00') },
      { kind: 'pre-proposal-evaluation', opensAt: at('2020-04-03T17:00'), closesAt: at('2020-05-15T17:00') },
      { kind: 'full-proposal-submission', opensAt: at('2020-05-15T17:00'), closesAt: at('2020-06-15T17:00') },
      { kind: 'full-proposal-review', opensAt: at('2020-06-15T17:00'), closesAt: at('2020-08-17T09:00') },
      {
        kind: 'rebuttal',
        opensAt: at('2020-08-17T09:00'),
        closesAt: at('2020-08-26T17:00'),
        label: 'Rebuttal (EP PerMed practice; not documented for JTC2020)',
      },
      { kind: 'panel', opensAt: at('2020-08-26T17:00'), closesAt: at('2020-09-30T17:00') },
      { kind: 'funding-recommendation', opensAt: at('2020-09-30T17:00'), closesAt: at('2020-10-15T17:00') },
      { kind: 'national-decisions', opensAt: at('2020-10-15T17:00'), closesAt: at('2020-11-30T17:00') },
    ],
    funders: demoCallFunderEntries.map((e) => {
      const currency = e.currency ?? currencyOf(e.funderId);
      return {
        funderId: e.funderId,
        ...(e.currency ? { currency: e.currency } : {}),
        // Whole units times the currency's minor-unit factor (ICU: EUR 2 digits, HUF 0).
        commitment: {
          amountMinor: (demoCommitments[e.funderId] ?? 500_000) * 10 ** minorUnitDigits(currency),
          currency,
        },
        note: [e.note, 'commitment: demo figure (assumption)'].filter(Boolean).join(' — '),
      };
    }),
    exchangeRates: demoRates,
    rules: [...demoCallRules],
    evaluation: {
      halfPoints: true,
      criteria: [...defaultCriteria],
      stages: {
        'pre-proposal': { criteria: ['excellence', 'impact'], perCriterion: 3, total: 7 },
        'full-proposal': { criteria: ['excellence', 'impact', 'implementation'], perCriterion: 3, total: 10 },
      },
      reviewersPerProposal: 3,
      maxLoadPerReviewer: 10,
    },
    rebuttal: { enabled: true, maxCharacters: 6000 },
    documents: { maxPages: 10, maxBytes: 10 * 1024 * 1024 },
    abstractMaxCharacters: 1600,
    funding: { mode: 'skip', fundableCategories: ['A', 'B'] },
  };
}

/**
 * The same call moved in whole local days so that its pre-proposal stage opened 20 days ago:
 * shifting wall-clock dates in the call's zone keeps "17:00 Brussels time" at 17:00 across DST.
 */
export function liveDemoDefinition(now: Date): CallDefinitionInput {
  const base = jtc2020Definition();
  const pre = base.stages.find((s) => s.kind === 'pre-proposal-submission')!;
  const preOpen = DateTime.fromISO(pre.opensAt.local!, { zone: ZONE });
  const target = DateTime.fromJSDate(now, { zone: ZONE }).minus({ days: 20 }).startOf('day');
  const days = Math.round(target.startOf('day').diff(preOpen.startOf('day'), 'days').days);
  const shift = (z: { local?: string; zone: string }) => ({
    local: DateTime.fromISO(z.local!, { zone: z.zone }).plus({ days }).toFormat("yyyy-LL-dd'T'HH:mm"),
    zone: z.zone,
  });
  return {
    ...base,
    slug: 'live-demo-call',
    title: 'Live demo call (ERA PerMed JTC2020 rules, dates moved to now)',
    stages: base.stages.map((s) => ({
      ...s,
      opensAt: shift(s.opensAt as { local: string; zone: string }),
      closesAt: shift(s.closesAt as { local: string; zone: string }),
    })),
  };
}

/** Seeds both demo calls once, published as version 1 by the system. */
export async function seedDemoCalls(deps: { db: Db; clock: Clock }): Promise<string[]> {
  const seeded: string[] = [];
  for (const definition of [jtc2020Definition(), liveDemoDefinition(deps.clock.now())]) {
    const [exists] = await deps.db
      .select({ id: schema.calls.id })
      .from(schema.calls)
      .where(eq(schema.calls.slug, definition.slug));
    if (exists) continue;
    const call = await createCall(deps, systemActor, definition);
    await deps.db
      .update(schema.calls)
      .set({ demo: sql`'seed'` })
      .where(eq(schema.calls.id, call.id));
    await publishCall(deps, systemActor, definition.slug, 'Demo data seeded at first start');
    seeded.push(definition.slug);
  }
  return seeded;
}
