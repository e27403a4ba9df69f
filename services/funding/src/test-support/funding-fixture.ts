// Test data for the funding service, written straight into the tables other services own (the
// proposals and evaluation services are built in parallel; funding depends on their tables only).
import { randomUUID } from 'node:crypto';
import {
  canonicalHash,
  createWorkflowInstance,
  rankingListHash,
  schema,
  systemActor,
  type Db,
} from '@permed/db';
import type { RankingEntry } from '@permed/db/schema';
import type { Clock, Partner, ProposalDocument } from '@permed/domain';
import { funderRegistry } from '@permed/rules';
import { advanceWorkflow } from '@permed/service-kit';
import { initialSnapshot, machineVersion, type CallEvent, type ProposalEvent } from '@permed/workflow';
import { jtc2020Definition } from '@permed/calls-service';
import { createCall, publishCall } from '../../../calls/src/manage-calls.ts';

export type CallDefinitionSpec = ReturnType<typeof jtc2020Definition>;

export interface PartnerSpec {
  id: string;
  /** null = own-funded. */
  funderId: string | null;
  /** Whole request in minor units of the funder's currency (put in personnel). */
  requestMinor: number;
  country?: string;
  coordinator?: boolean;
  name?: string;
}

export interface ProposalSpec {
  acronym: string;
  total: number;
  category?: 'A' | 'B' | 'C';
  perCriterion?: Record<string, number>;
  partners: PartnerSpec[];
  /** Withdrawn after the ranking list was frozen. */
  withdrawn?: boolean;
}

export interface FundingCallSpec {
  slug: string;
  /** Commitments in minor units of each funder's currency; other funders of JTC2020 keep theirs. */
  commitments?: Record<string, number>;
  mode?: 'skip' | 'no-gaps';
  contactEmails?: Record<string, string>;
  /** Proposals in rank order (rank 1 first). */
  proposals: ProposalSpec[];
  /** Stop before freezing the ranking list (default: freeze). */
  freeze?: boolean;
  /** Stop before stepping proposals to ranked (default: rank them). */
  rank?: boolean;
}

export interface FundingCall {
  callId: string;
  slug: string;
  definition: ReturnType<typeof fundingCallDefinition>;
  rankingHash: string | null;
  entries: RankingEntry[];
  proposalIds: Map<string, string>;
  documents: Map<string, ProposalDocument>;
}

export function fundingCallDefinition(
  spec: Pick<FundingCallSpec, 'slug' | 'commitments' | 'mode' | 'contactEmails'>,
) {
  const base = jtc2020Definition();
  return {
    ...base,
    slug: spec.slug,
    funders: base.funders!.map((f) => ({
      ...f,
      commitment: {
        ...f.commitment,
        amountMinor: spec.commitments?.[f.funderId] ?? f.commitment.amountMinor,
      },
      ...(spec.contactEmails?.[f.funderId] ? { contactEmail: spec.contactEmails[f.funderId] } : {}),
    })),
    funding: { mode: spec.mode ?? 'skip', fundableCategories: ['A', 'B'] as ('A' | 'B' | 'C')[] },
  } satisfies CallDefinitionSpec;
}

function currencyIn(definition: CallDefinitionSpec, funderId: string | null): string {
  if (funderId === null) return 'EUR';
  const f = definition.funders!.find((x) => x.funderId === funderId);
  if (!f) throw new Error(`test names funder ${funderId}, which is not in the call`);
  return f.currency ?? f.commitment.currency;
}

export function buildDocument(definition: CallDefinitionSpec, spec: ProposalSpec): ProposalDocument {
  const partners: Partner[] = spec.partners.map((p, i) => {
    const registry = p.funderId ? funderRegistry.find((f) => f.id === p.funderId) : undefined;
    return {
      id: p.id,
      organisation: {
        name: p.name ?? `Organisation ${p.id}`,
        country: p.country ?? registry?.country ?? 'DE',
        type: 'academia',
      },
      pi: { name: `PI ${p.id}`, email: `pi.${p.id}@example.org` },
      funderId: p.funderId,
      coordinator: p.coordinator ?? i === 0,
      budget: {
        currency: currencyIn(definition, p.funderId),
        personnel: p.requestMinor,
        consumables: 0,
        equipment: 0,
        travel: 0,
        subcontracting: 0,
        overhead: 0,
      },
    };
  });
  return {
    acronym: spec.acronym,
    title: `${spec.acronym}: a test proposal on personalised medicine`,
    abstract: 'An abstract.',
    keywords: ['personalised medicine'],
    modules: ['1B'],
    durationMonths: 36,
    partners,
  };
}

async function stepCall(db: Db, clock: Clock, callId: string, events: CallEvent[]) {
  for (const event of events) {
    await db.transaction((tx) =>
      advanceWorkflow(tx, { kind: 'call', subjectId: callId, event, actor: systemActor, at: clock.now() }),
    );
  }
}

async function stepProposal(db: Db, clock: Clock, proposalId: string, events: ProposalEvent[]) {
  await db.transaction(async (tx) => {
    for (const event of events) {
      await advanceWorkflow(tx, {
        kind: 'proposal',
        subjectId: proposalId,
        event,
        actor: systemActor,
        at: clock.now(),
      });
    }
  });
}

/**
 * A published JTC2020-like call with the given commitments, brought to the funding-recommendation
 * stage: proposals submitted at both stages, taken through eligibility, invitation, review and
 * rebuttal to `ranked`, and a frozen full-proposal ranking list with its hash.
 */
export async function createFundingCall(
  deps: { db: Db; clock: Clock },
  spec: FundingCallSpec,
): Promise<FundingCall> {
  const { db, clock } = deps;
  const definition = fundingCallDefinition(spec);
  const call = await createCall(deps, systemActor, definition);
  await publishCall(deps, systemActor, spec.slug, 'test');
  await stepCall(db, clock, call.id, [
    { type: 'OPEN_PRE_PROPOSALS' },
    { type: 'CLOSE_PRE_PROPOSALS' },
    { type: 'CLOSE_ELIGIBILITY_CHECK', pendingFunders: 0 },
    { type: 'OPEN_FULL_PROPOSALS' },
    { type: 'CLOSE_FULL_PROPOSALS' },
    { type: 'OPEN_REBUTTAL' },
    { type: 'CLOSE_REBUTTAL' },
  ]);

  const proposalIds = new Map<string, string>();
  const documents = new Map<string, ProposalDocument>();
  const entries: RankingEntry[] = [];
  for (const [i, p] of spec.proposals.entries()) {
    const id = randomUUID();
    const document = buildDocument(definition, p);
    const now = clock.now();
    await db.transaction(async (tx) => {
      await tx.insert(schema.proposals).values({
        id,
        callId: call.id,
        stage: 'full-proposal',
        acronym: p.acronym,
        coordinatorUserId: randomUUID(),
        draft: document,
        createdAt: now,
        updatedAt: now,
      });
      for (const [seq, stage] of [
        [1, 'pre-proposal'],
        [2, 'full-proposal'],
      ] as const) {
        await tx.insert(schema.proposalVersions).values({
          proposalId: id,
          seq,
          callId: call.id,
          stage,
          callVersion: 1,
          document,
          documents: [],
          contentHash: canonicalHash({ document, documents: [] }),
          submittedAt: now,
          submittedBy: randomUUID(),
        });
      }
      await createWorkflowInstance(tx, {
        kind: 'proposal',
        subjectId: id,
        callId: call.id,
        state: 'draft',
        snapshot: initialSnapshot('proposal', { twoStage: true, rebuttal: true }),
        machineVersion: machineVersion('proposal'),
        actor: systemActor,
        at: now,
      });
    });
    const path: ProposalEvent[] = [
      { type: 'SUBMIT', blockingErrors: 0 },
      { type: 'START_ELIGIBILITY_CHECK' },
      { type: 'DECLARE_ELIGIBLE', pendingVerdicts: 0, ineligibleVerdicts: 0 },
      { type: 'INVITE' },
      { type: 'OPEN_FULL_PROPOSAL' },
      { type: 'SUBMIT_FULL', blockingErrors: 0 },
      { type: 'START_REVIEW' },
      { type: 'OPEN_REBUTTAL' },
    ];
    if (spec.rank !== false) path.push({ type: 'RANK' });
    if (p.withdrawn) path.push({ type: 'WITHDRAW' });
    await stepProposal(db, clock, id, path);
    proposalIds.set(p.acronym, id);
    documents.set(p.acronym, document);
    const third = Math.round((p.total / 3) * 2) / 2;
    entries.push({
      proposalId: id,
      acronym: p.acronym,
      position: i + 1,
      category: p.category ?? (p.total >= 12 ? 'A' : p.total >= 10 ? 'B' : 'C'),
      total: p.total,
      perCriterion: p.perCriterion ?? {
        excellence: third,
        impact: third,
        implementation: p.total - 2 * third,
      },
      passedThreshold: p.total >= 10,
    });
  }

  let rankingHash: string | null = null;
  if (spec.freeze !== false) {
    rankingHash = rankingListHash({
      stage: 'full-proposal',
      tieBreak: ['total', 'excellence', 'impact', 'proposalId'],
      entries,
    });
    await db.insert(schema.rankingLists).values({
      callId: call.id,
      stage: 'full-proposal',
      callVersion: 1,
      entries,
      tieBreak: ['total', 'excellence', 'impact', 'proposalId'],
      hash: rankingHash,
      frozenAt: clock.now(),
      frozenBy: null,
      frozenByLabel: 'panel chair',
    });
    await stepCall(db, clock, call.id, [{ type: 'FREEZE_RANKING', rankingHash }]);
  }
  return { callId: call.id, slug: spec.slug, definition, rankingHash, entries, proposalIds, documents };
}
