import { grantRole } from '@permed/auth';
import { createWorkflowInstance, recordAudit, schema, type Actor } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { initialSnapshot, machineVersion } from '@permed/workflow';
import { firstStage, instantMs, submissionStage } from './call-context.ts';
import { callDataProblems, throwIfProblems } from './call-data-check.ts';
import type { ProposalsContext } from './deps.ts';
import { emptyHeader, type CreateProposalBody, type DraftHeader } from './draft-schema.ts';
import { deadlinePassed, stageNotOpen } from './editing-window.ts';
import type { PartnerRow, ProposalRow } from './proposal-store.ts';

/**
 * Any signed-in user may start a proposal in a call whose submission stage is open (by the server
 * clock); they become its coordinator. The proposal, its first partner sections, the membership,
 * the applicant grant, the lifecycle and the audit row are written in one transaction.
 */
export async function createProposal(
  ctx: ProposalsContext,
  principal: Principal,
  body: CreateProposalBody,
): Promise<{ proposal: ProposalRow; partners: PartnerRow[]; state: string }> {
  const call = await ctx.calls.bySlug(ctx.db, body.callSlug);
  const stage = firstStage(call.definition);
  const window = submissionStage(call.definition, stage);
  const now = ctx.clock.now();
  if (now.getTime() < instantMs(window.opensAt)) throw stageNotOpen(window, now);
  if (now.getTime() >= instantMs(window.closesAt)) throw deadlinePassed(window, now);
  throwIfProblems(callDataProblems(call, { partners: body.partners ?? [], modules: body.modules ?? [] }));

  const header: DraftHeader = {
    ...emptyHeader(body.acronym),
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.abstract !== undefined ? { abstract: body.abstract } : {}),
    ...(body.keywords !== undefined ? { keywords: body.keywords } : {}),
    ...(body.modules !== undefined ? { modules: body.modules } : {}),
    ...(body.durationMonths !== undefined ? { durationMonths: body.durationMonths } : {}),
  };
  const actor: Actor = actorOf(principal);
  return ctx.db.transaction(async (tx) => {
    const [proposal] = await tx
      .insert(schema.proposals)
      .values({
        callId: call.callId,
        stage,
        acronym: header.acronym,
        coordinatorUserId: principal.userId,
        draft: header,
        draftVersion: 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!proposal) throw new AppError('INTERNAL');
    const partners = body.partners?.length
      ? await tx
          .insert(schema.proposalPartners)
          .values(
            body.partners.map((p, i) => ({
              proposalId: proposal.id,
              partnerId: p.id,
              position: i + 1,
              section: p,
              version: 1,
              updatedAt: now,
              updatedBy: principal.userId,
            })),
          )
          .returning()
      : [];
    await tx.insert(schema.proposalMembers).values({
      proposalId: proposal.id,
      userId: principal.userId,
      role: 'coordinator',
      partnerId: null,
      addedAt: now,
    });
    await grantRole(tx, {
      userId: principal.userId,
      role: 'applicant',
      scopeType: 'proposal',
      scopeId: proposal.id,
      subRole: 'coordinator',
      grantedBy: principal.userId,
    });
    await createWorkflowInstance(tx, {
      kind: 'proposal',
      subjectId: proposal.id,
      callId: call.callId,
      state: 'draft',
      snapshot: initialSnapshot('proposal', {
        twoStage: call.definition.twoStage,
        rebuttal: call.definition.rebuttal.enabled,
      }),
      machineVersion: machineVersion('proposal'),
      actor,
      at: now,
      callVersion: call.version,
    });
    await recordAudit(tx, {
      actor,
      action: 'proposal.created',
      targetType: 'proposal',
      targetId: proposal.id,
      details: {
        callId: call.callId,
        callVersion: call.version,
        stage,
        acronym: header.acronym,
        partners: partners.length,
      },
      at: now,
    });
    return { proposal, partners, state: 'draft' };
  });
}
