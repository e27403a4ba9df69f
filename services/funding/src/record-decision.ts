import { and, eq } from 'drizzle-orm';
import { enqueueOutbox, recordAudit, schema, type Actor, type Db } from '@permed/db';
import { budgetTotalMinor, type Clock, type Money, type Partner } from '@permed/domain';
import { AppError, requireScope, type FieldProblem, type Principal } from '@permed/http';
import { actorOf, advanceWorkflow } from '@permed/service-kit';
import { funderCurrency } from './build-allocation-input.ts';
import { currentDecisions, decisionHistory, latestDecision, type DecisionRow } from './decision-store.ts';
import { isUniqueViolation } from './errors.ts';
import {
  latestVersions,
  requireRecommendation,
  type PublishedCall,
  type SubmittedVersion,
} from './funding-store.ts';
import { deriveOutcome, type DerivedOutcome, type NationalDecisionKind } from './proposal-outcome.ts';

export interface DecisionBody {
  decision: NationalDecisionKind;
  amount?: Money | undefined;
  reason: string;
}

export interface DecisionResult {
  decision: DecisionRow;
  /** False when the same decision was already the current one (PUT is idempotent). */
  changed: boolean;
  proposalState: string;
  outcome: DerivedOutcome;
}

/** A partner of a proposal of this call, as submitted in the full proposal that counts. */
export async function requirePartner(
  db: Db,
  published: PublishedCall,
  proposalId: string,
  partnerId: string,
): Promise<{ version: SubmittedVersion; partner: Partner }> {
  const version = (await latestVersions(db, published.call.id, 'full-proposal', [proposalId])).get(
    proposalId,
  );
  if (!version) throw new AppError('NOT_FOUND', 'No full proposal with this id in this call');
  const partner = version.document.partners.find((p) => p.id === partnerId);
  if (!partner) throw new AppError('NOT_FOUND', `No partner ${partnerId} in this proposal`);
  return { version, partner };
}

/**
 * The amount a decision grants, in the funder's currency: the request in full when funded, a lower
 * positive amount when reduced, zero when not funded. Problems are 400 with the body path.
 */
export function grantedAmount(body: DecisionBody, requested: Money): Money {
  const problems: FieldProblem[] = [];
  const problem = (path: string, message: string, code: string) =>
    problems.push({ in: 'body', path, message, code });
  const amount = body.amount;
  if (amount && amount.currency !== requested.currency) {
    problem(
      '/amount/currency',
      `must be ${requested.currency}, the currency of this funder`,
      'WRONG_CURRENCY',
    );
  } else if (amount && amount.amountMinor > requested.amountMinor) {
    problem(
      '/amount/amountMinor',
      `must not exceed the requested ${requested.amountMinor} minor units`,
      'EXCEEDS_REQUEST',
    );
  } else if (body.decision === 'funded-reduced') {
    if (!amount) problem('/amount', 'is required for a reduced grant', 'REQUIRED');
    else if (amount.amountMinor === 0)
      problem('/amount/amountMinor', 'must be more than zero', 'NOT_POSITIVE');
    else if (amount.amountMinor === requested.amountMinor)
      problem(
        '/amount/amountMinor',
        'equals the request: the decision is funded, not reduced',
        'NOT_REDUCED',
      );
  } else if (body.decision === 'funded' && amount && amount.amountMinor !== requested.amountMinor) {
    problem('/amount/amountMinor', 'a lower amount than requested is a funded-reduced decision', 'NOT_FULL');
  } else if (body.decision === 'not-funded' && amount && amount.amountMinor !== 0) {
    problem('/amount/amountMinor', 'must be zero (or left out) when the partner is not funded', 'NOT_ZERO');
  }
  if (problems.length > 0)
    throw new AppError('VALIDATION_FAILED', 'The decision is not valid', { errors: problems });
  if (body.decision === 'not-funded') return { amountMinor: 0, currency: requested.currency };
  return body.decision === 'funded' ? { ...requested } : { ...amount! };
}

/**
 * A funder records its national decision on one of its own partners. Appends to the partner's
 * history (a revision is a new row), names the call version and the recommendation, audits it, and
 * once every funder of the proposal has decided steps the proposal to funded / not funded in the same
 * transaction; the coordinator is told after commit.
 */
export async function recordDecision(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  published: PublishedCall,
  target: { proposalId: string; partnerId: string },
  body: DecisionBody,
): Promise<DecisionResult> {
  const { version, partner } = await requirePartner(deps.db, published, target.proposalId, target.partnerId);
  if (partner.funderId === null) {
    throw new AppError('UNPROCESSABLE', 'This partner is own-funded: no national decision is taken on it');
  }
  const funderId = partner.funderId;
  // Only the partner's own funder decides; another funder's officer is refused before learning anything more.
  requireScope(principal, 'funder', 'funder', funderId);
  const recommendation = await requireRecommendation(deps.db, published.call.id);
  const currency = funderCurrency(published.definition, funderId) ?? partner.budget.currency;
  const requested: Money = {
    amountMinor: budgetTotalMinor(partner.budget),
    currency: partner.budget.currency,
  };
  if (requested.currency !== currency) {
    throw new AppError(
      'UNPROCESSABLE',
      `The partner's budget is in ${requested.currency}, its funder takes ${currency}`,
    );
  }
  const amount = grantedAmount(body, requested);
  const actor = actorOf(principal);
  const now = deps.clock.now();
  const callId = published.call.id;
  const callVersion = published.version.version;

  return deps.db
    .transaction(async (tx) => {
      // One decision at a time per proposal, so the last of its funders sees all the others' decisions.
      const [instance] = await tx
        .select({ state: schema.workflowInstances.state })
        .from(schema.workflowInstances)
        .where(
          and(
            eq(schema.workflowInstances.kind, 'proposal'),
            eq(schema.workflowInstances.subjectId, target.proposalId),
          ),
        )
        .for('update');
      if (!instance) throw new AppError('NOT_FOUND', 'The proposal has no lifecycle');

      const previous = await latestDecision(tx, target.proposalId, target.partnerId);
      if (
        previous &&
        previous.decision === body.decision &&
        previous.amountMinor === amount.amountMinor &&
        previous.reason === body.reason
      ) {
        const history = await decisionHistory(tx, callId, { proposalId: target.proposalId });
        return {
          decision: previous,
          changed: false,
          proposalState: instance.state,
          outcome: outcomeOf(version, history),
        };
      }
      if (instance.state === 'not-recommended') {
        throw new AppError(
          'CONFLICT',
          'The proposal is not recommended: there is no national decision to take',
          {
            extensions: { currentState: instance.state },
          },
        );
      }
      if (instance.state !== 'recommended') {
        throw new AppError(
          'CONFLICT',
          `The proposal is ${instance.state}: its decisions can no longer change`,
          {
            extensions: { currentState: instance.state },
          },
        );
      }

      const [row] = await tx
        .insert(schema.nationalDecisions)
        .values({
          callId,
          proposalId: target.proposalId,
          partnerId: target.partnerId,
          funderId,
          seq: (previous?.seq ?? 0) + 1,
          decision: body.decision,
          amountMinor: amount.amountMinor,
          requestedMinor: requested.amountMinor,
          currency,
          reason: body.reason,
          callVersion,
          recommendationHash: recommendation.hash,
          decidedAt: now,
          decidedBy: actor.userId,
          decidedByLabel: actor.label,
        })
        .returning();
      await recordAudit(tx, {
        actor,
        action: previous ? 'funding.decision_revised' : 'funding.decision_recorded',
        targetType: 'proposal-partner',
        targetId: `${target.proposalId}/${target.partnerId}`,
        details: {
          callId,
          callVersion,
          funderId,
          decision: body.decision,
          amount,
          requested,
          reason: body.reason,
          seq: row!.seq,
          previous: previous
            ? { decision: previous.decision, amountMinor: previous.amountMinor, seq: previous.seq }
            : null,
          recommendationHash: recommendation.hash,
        },
        at: now,
      });

      const history = await decisionHistory(tx, callId, { proposalId: target.proposalId });
      const outcome = outcomeOf(version, history);
      let proposalState = instance.state;
      if (outcome.outcome !== 'pending') {
        const system: Actor = { userId: null, label: 'system (national decisions)' };
        const stepped = await advanceWorkflow(tx, {
          kind: 'proposal',
          subjectId: target.proposalId,
          event: { type: outcome.outcome === 'funded' ? 'FUND' : 'NOT_FUND' },
          actor: system,
          at: now,
          callVersion,
          payload: { lastDecisionBy: actor.label, lastDecisionId: row!.id },
        });
        proposalState = stepped.to;
        await recordAudit(tx, {
          actor: system,
          action: 'funding.proposal_outcome',
          targetType: 'proposal',
          targetId: target.proposalId,
          details: { outcome: outcome.outcome, callVersion, lastDecisionBy: actor.label },
          at: now,
        });
        const coordinator = version.document.partners.find((p) => p.coordinator);
        if (coordinator) {
          await enqueueOutbox(tx, {
            kind: 'mail',
            payload: {
              to: coordinator.pi.email,
              subject: `${version.document.acronym}: national funding decisions complete`,
              text:
                `All national funding decisions for ${version.document.acronym} in ${published.definition.title} ` +
                `are recorded. Outcome: ${outcome.outcome === 'funded' ? 'funded' : 'not funded'}. ` +
                'Your funding organisations will contact the partners they fund.',
            },
            at: now,
            dedupeKey: `funding:outcome:${target.proposalId}`,
          });
        }
      }
      return { decision: row!, changed: true, proposalState, outcome };
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) {
        throw new AppError(
          'CONFLICT',
          'Another decision on this partner was recorded at the same time; reload',
        );
      }
      throw error;
    });
}

function outcomeOf(version: SubmittedVersion, history: readonly DecisionRow[]): DerivedOutcome {
  const current = new Map([...currentDecisions(history).values()].map((d) => [d.partnerId, d.decision]));
  return deriveOutcome(
    version.document.partners.map((p) => ({ partnerId: p.id, funderId: p.funderId })),
    current,
  );
}
