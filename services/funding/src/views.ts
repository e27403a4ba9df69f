import { z } from 'zod';
import { money } from '@permed/domain';
import type { DecisionRow } from './decision-store.ts';
import type { RecommendationRow } from './funding-store.ts';
import { nationalDecisionKinds } from './proposal-outcome.ts';

export const decisionView = z.object({
  proposalId: z.string(),
  partnerId: z.string(),
  funderId: z.string(),
  seq: z.number().int(),
  decision: z.enum(nationalDecisionKinds),
  amount: money,
  requested: money,
  reason: z.string(),
  callVersion: z.number().int(),
  recommendationHash: z.string(),
  decidedAt: z.string(),
  decidedBy: z.string(),
});
export type DecisionView = z.infer<typeof decisionView>;

export function toDecisionView(d: DecisionRow): DecisionView {
  return {
    proposalId: d.proposalId,
    partnerId: d.partnerId,
    funderId: d.funderId,
    seq: d.seq,
    decision: d.decision,
    amount: { amountMinor: d.amountMinor, currency: d.currency },
    requested: { amountMinor: d.requestedMinor, currency: d.currency },
    reason: d.reason,
    callVersion: d.callVersion,
    recommendationHash: d.recommendationHash,
    decidedAt: d.decidedAt.toISOString(),
    decidedBy: d.decidedByLabel,
  };
}

export const recommendationView = z.object({
  id: z.string(),
  hash: z.string().describe('SHA-256 of the canonical (RFC 8785) snapshot'),
  callVersion: z.number().int(),
  rankingHash: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
  snapshot: z.record(z.string(), z.unknown()),
});

export function toRecommendationView(r: RecommendationRow): z.infer<typeof recommendationView> {
  return {
    id: r.id,
    hash: r.hash,
    callVersion: r.callVersion,
    rankingHash: r.rankingHash,
    recordedAt: r.recordedAt.toISOString(),
    recordedBy: r.recordedByLabel,
    snapshot: r.snapshot,
  };
}

export const itemReport = z.object({
  proposalId: z.string(),
  acronym: z.string(),
  partnerId: z.string().nullable(),
  funderId: z.string().nullable(),
  outcome: z.string(),
  fileName: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  sha256: z.string().optional(),
  sizeBytes: z.number().int().optional(),
});

export const batchView = z.object({
  batchId: z.string(),
  kind: z.enum(['outcome', 'funding']),
  generatedAt: z.string(),
  manifestHash: z.string(),
  items: z.array(itemReport),
});

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 8187). */
export function attachment(fileName: string): string {
  const ascii =
    fileName
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '_') || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
