import type { BlobStore } from '@permed/blobs';
import { buildFundingLetter, type FundingLetterInput } from '@permed/documents';
import type { Actor, Db } from '@permed/db';
import type { Clock } from '@permed/domain';
import { latestVersions, loadFunders, requireRecommendation, type PublishedCall } from './funding-store.ts';
import { generateLetterBatch, type BatchResult, type LetterItem } from './letter-batch.ts';
import { partnersToDecide } from './list-decisions.ts';

/**
 * One national funding letter per funded partner of every funded project, from its funder's current
 * decision, generated all-or-nothing. The call office generates them for every funder; a funder
 * officer for its own partners only. Partners of a project that is not funded get no funding letter:
 * their own funder's "yes" does not fund a project another funder declined.
 */
export async function generateFundingLetters(
  deps: { db: Db; clock: Clock; blobs: BlobStore },
  actor: Actor,
  published: PublishedCall,
  funders: '*' | readonly string[],
): Promise<BatchResult> {
  const callId = published.call.id;
  const recommendation = await requireRecommendation(deps.db, callId);
  const partners = (await partnersToDecide(deps.db, published, funders)).filter(
    (p) => p.proposalState === 'funded' && p.current !== null && p.current.decision !== 'not-funded',
  );
  const [versions, registry] = await Promise.all([
    latestVersions(deps.db, callId, 'full-proposal', [...new Set(partners.map((p) => p.proposalId))]),
    loadFunders(deps.db, [...new Set(partners.map((p) => p.funderId))]),
  ]);
  const now = deps.clock.now();
  const items: LetterItem[] = partners.map((p) => {
    const decision = p.current!;
    const funder = registry.get(p.funderId);
    const acronym = funder?.acronym ?? p.funderId.toUpperCase();
    return {
      proposalId: p.proposalId,
      acronym: p.acronym,
      partnerId: p.partnerId,
      funderId: p.funderId,
      outcome: decision.decision,
      fileName: `${String(p.rank).padStart(3, '0')}-${p.acronym}-${p.partnerId}-${acronym}.pdf`,
      build: async () => {
        const version = versions.get(p.proposalId);
        const partner = version?.document.partners.find((x) => x.id === p.partnerId);
        if (!version || !partner || !funder) throw new Error('the partner or its funder is missing');
        const contact = published.definition.funders.find((f) => f.funderId === p.funderId)?.contactEmail;
        const input: FundingLetterInput = {
          funder: { acronym, name: funder.name, country: funder.country },
          partner: {
            organisation: partner.organisation.name,
            principalInvestigator: partner.pi.name,
            country: partner.organisation.country,
          },
          call: { title: published.definition.title },
          proposal: { id: p.proposalId, acronym: version.document.acronym, title: version.document.title },
          decision: decision.decision,
          amount: { amountMinor: decision.amountMinor, currency: decision.currency },
          ...(decision.decision === 'funded-reduced'
            ? { requested: { amountMinor: decision.requestedMinor, currency: decision.currency } }
            : {}),
          decidedAt: decision.decidedAt.toISOString(),
          zone: published.definition.zone,
          ...(contact ? { contact: { name: acronym, email: contact } } : {}),
        };
        return buildFundingLetter(input);
      },
    };
  });
  return generateLetterBatch({ db: deps.db, blobs: deps.blobs, now }, actor, {
    callId,
    callVersion: published.version.version,
    recommendationHash: recommendation.hash,
    kind: 'funding',
    funderId: funders !== '*' && funders.length === 1 ? funders[0]! : null,
    items,
  });
}
