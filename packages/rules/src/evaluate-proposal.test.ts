import { proposalDocument } from '@permed/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.ts';
import { verdict as verdictSchema } from './context.ts';
import { evaluateProposal } from './evaluate-proposal.ts';
import { arbProposal } from './testing/arbitraries.ts';
import { buildProposal, demoContext, type PartnerSpec } from './testing/factories.ts';

const eligibleFour: PartnerSpec[] = [
  { id: 'fr', funderId: 'anr' },
  { id: 'lu', funderId: 'fnr' },
  { id: 'fi', funderId: 'aka' },
  { id: 'de', funderId: 'bmbf' },
];

describe('official verdicts', () => {
  it('an officially ineligible partner gives an error finding and stops counting', () => {
    const doc = buildProposal({ partners: eligibleFour });
    const ctx = demoContext('pre-proposal', {
      officialVerdicts: [
        { partnerId: 'de', funderId: 'bmbf', verdict: 'ineligible', reason: 'not a German legal entity' },
      ],
    });
    const v = evaluateProposal(ctx, doc);
    expect(v.eligible).toBe(false);
    const official = v.findings.filter((f) => f.officialVerdict);
    expect(official).toHaveLength(1);
    expect(official[0]).toMatchObject({
      level: 'error',
      funderId: 'bmbf',
      partnerIds: ['de'],
      officialVerdict: { reason: 'not a German legal entity' },
    });
    expect(official[0]?.message).toContain('BMBF');
  });
  it('drops a partner below the consortium minimum and says so', () => {
    const doc = buildProposal({ partners: eligibleFour.slice(0, 3) });
    const v = evaluateProposal(
      demoContext('pre-proposal', {
        officialVerdicts: [{ partnerId: 'fi', funderId: 'aka', verdict: 'ineligible' }],
      }),
      doc,
    );
    const min = v.findings.find((f) => f.ruleId === 'jtc2020-min-eligible-partners');
    expect(min?.facts['notEligible']).toEqual([
      { partnerId: 'fi', reasons: [{ type: 'official-verdict', funderId: 'aka' }] },
    ]);
  });
  it('ignores a verdict by a funder the partner no longer asks, and lets the latest verdict count', () => {
    const doc = buildProposal({ partners: eligibleFour });
    const stale = demoContext('pre-proposal', {
      officialVerdicts: [{ partnerId: 'de', funderId: 'smwk', verdict: 'ineligible' }],
    });
    expect(evaluateProposal(stale, doc).eligible).toBe(true);
    const reversed = demoContext('pre-proposal', {
      officialVerdicts: [
        { partnerId: 'de', funderId: 'bmbf', verdict: 'ineligible' },
        { partnerId: 'de', funderId: 'bmbf', verdict: 'eligible' },
      ],
    });
    expect(evaluateProposal(reversed, doc).eligible).toBe(true);
  });
});

describe('verdict', () => {
  it('names the call version and stage, and sorts errors before warnings', () => {
    const doc = buildProposal({
      partners: [
        { id: 'se', funderId: 'vr' },
        { id: 'fr', funderId: 'anr' },
        { id: 'x', funderId: null, country: 'CH', currency: 'CHF' },
      ],
    });
    const v = evaluateProposal(demoContext('pre-proposal'), doc);
    expect(v).toMatchObject({ callVersion: 1, stage: 'pre-proposal', eligible: false });
    const levels = v.findings.map((f) => f.level);
    expect(levels.indexOf('warning')).toBeGreaterThan(levels.lastIndexOf('error'));
    expect(verdictSchema.safeParse(v).success).toBe(true);
  });
  it('carries the source or the assumption of the rule on each finding', () => {
    const doc = buildProposal({
      partners: [
        { id: 'fr', funderId: 'anr' },
        { id: 'lu', funderId: 'fnr' },
      ],
    });
    const v = evaluateProposal(demoContext(), doc);
    const min = v.findings.find((f) => f.ruleId === 'jtc2020-min-eligible-partners');
    expect(min?.source?.url).toBe(
      'http://prointprojecten.com/news/2020/02/04/era-permed-joint-transnational-call-2020',
    );
    const coord = doc.partners.find((p) => p.coordinator);
    expect(coord).toBeDefined();
    const perCountry = evaluateProposal(
      demoContext(),
      buildProposal({
        partners: [
          { id: 'a', funderId: 'anr' },
          { id: 'b', funderId: 'anr', name: 'B' },
          { id: 'c', funderId: 'anr', name: 'C' },
        ],
      }),
    );
    const f = perCountry.findings.find((x) => x.ruleId === 'jtc2020-max-partners-per-country');
    expect(f).toMatchObject({ assumption: true });
    expect(f?.note).toContain('JTC2019');
  });
});

describe('properties', () => {
  it('a generated proposal document always parses', () => {
    fc.assert(
      fc.property(arbProposal(), (doc) => {
        const r = proposalDocument.safeParse(doc);
        if (!r.success) throw new Error(JSON.stringify(r.error.issues));
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('shuffling the partners never changes the verdict', () => {
    fc.assert(
      fc.property(
        arbProposal({ minPartners: 1, maxPartners: 9 }).chain((doc) =>
          fc.tuple(
            fc.constant(doc),
            fc.shuffledSubarray(doc.partners, {
              minLength: doc.partners.length,
              maxLength: doc.partners.length,
            }),
            fc.constantFrom('pre-proposal' as const, 'full-proposal' as const),
          ),
        ),
        ([doc, shuffled, stage]) => {
          const otherProposals = [
            { proposalId: 'o1', acronym: 'O1', partners: [{ pi: { email: 'a@example.org' } }] },
          ];
          const ctx = demoContext(stage, { otherProposals });
          const a = canonicalJson(evaluateProposal(ctx, doc));
          const b = canonicalJson(evaluateProposal(ctx, { ...doc, partners: shuffled }));
          expect(b).toBe(a);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a proposal with any funded partner officially ineligible is never eligible', () => {
    fc.assert(
      fc.property(
        arbProposal({ minPartners: 1, maxPartners: 8, ownFunded: false }).chain((doc) =>
          fc.tuple(fc.constant(doc), fc.nat({ max: doc.partners.length - 1 })),
        ),
        ([doc, i]) => {
          const p = doc.partners[i]!;
          const ctx = demoContext('pre-proposal', {
            officialVerdicts: [{ partnerId: p.id, funderId: p.funderId!, verdict: 'ineligible' }],
          });
          expect(evaluateProposal(ctx, doc).eligible).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('eligible is exactly "no error-level finding", and every finding names partners of the proposal', () => {
    fc.assert(
      fc.property(arbProposal({ maxPartners: 8 }), (doc) => {
        const v = evaluateProposal(demoContext('pre-proposal'), doc);
        expect(v.eligible).toBe(!v.findings.some((f) => f.level === 'error'));
        const known = new Set(doc.partners.map((p) => p.id));
        for (const f of v.findings) for (const id of f.partnerIds) expect(known.has(id)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
