import { describe, expect, it } from 'vitest';
import { demoCall } from './data/jtc2020-call.ts';
import { otherCallsNationalRules } from './data/other-calls-national-rules.ts';
import { funderRegistry } from './data/funder-registry.ts';
import { describeRule } from './describe-rule.ts';

const byId = (id: string) => demoCall.rules.find((r) => r.id === id)!;
const text = (id: string) => describeRule(byId(id), demoCall.funders);

describe('describeRule', () => {
  it('renders every demo and catalogue rule as one sentence naming its funder', () => {
    for (const r of [...demoCall.rules, ...otherCallsNationalRules.map((e) => e.rule)]) {
      const s = describeRule(r, funderRegistry);
      expect(s).toMatch(/^[A-Z].*[.]$/s);
      expect(s).not.toMatch(/undefined|\[object/);
      if (r.funderId) {
        const f = funderRegistry.find((x) => x.id === r.funderId)!;
        expect(s).toContain(f.acronym ?? f.name);
      }
    }
  });

  it('reads the JTC2020 rules in plain English', () => {
    expect(text('bmbf-max-request-per-partner')).toBe('BMBF: each partner may request at most €300,000.00.');
    expect(text('bmbf-max-request-total')).toBe(
      'BMBF: when 2 or more of its partners are in one consortium, they may request at most €400,000.00 in total.',
    );
    expect(text('jtc2020-max-partners-pre')).toBe(
      'The consortium may have at most 6 partners, own-funded partners included (pre-proposal stage).',
    );
    expect(text('jtc2020-module-coverage')).toBe(
      'The proposal must include at least one module of research area 3 (3A, 3B, 3C or 3D) and at least one module of research area 1 or 2 (1A, 1B, 2A or 2B).',
    );
    expect(text('jtc2020-own-funded-partners')).toBe(
      'At most 1 partner may be own-funded (bring their own money), and only when at least 3 partners are eligible for funding.',
    );
    expect(text('vr-prisma-pre')).toContain(
      'VR requires a parallel national application in Prisma, due 11 Mar 2020 (Europe/Stockholm)',
    );
    expect(text('tubitak-max-request-per-partner')).toContain('(not counting overhead)');
    expect(text('vr-max-request-total')).toBe(
      'VR: its partners in one project may request at most €450,000.00 in total.',
    );
    const vr2024 = otherCallsNationalRules.find((e) => e.rule.id === 'ep2024.vr-max-request-total')!.rule;
    expect(describeRule(vr2024, funderRegistry)).toBe(
      'VR: its partners in one project may request at most SEK\u00a03,000,000.00 with 1 partner or SEK\u00a04,500,000.00 with 2 or more partners in total.',
    );
  });

  it('falls back to the funder id when the funder is unknown', () => {
    expect(describeRule(byId('cdti-organisation-types'), [])).toBe(
      'cdti funds only SMEs or large companies.',
    );
  });
});
