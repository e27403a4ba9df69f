import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoCall } from './data/jtc2020-call.ts';
import { proposalJsonSchema } from './proposal-json-schema.ts';
import { formatPath, runEligibilityCheck } from './run-eligibility-check.ts';

const sample = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../samples/${name}`, import.meta.url), 'utf8'));

// A call definition as it arrives from a JSON file, not as a typed object.
const callJson: unknown = JSON.parse(JSON.stringify(demoCall));

describe('runEligibilityCheck', () => {
  it('exits 0 for the eligible sample, with warnings only', () => {
    const r = runEligibilityCheck({
      callDefinition: callJson,
      proposal: sample('proposal-eligible.json'),
      format: 'json',
    });
    expect(r.exitCode).toBe(0);
    const v = JSON.parse(r.output) as { eligible: boolean; findings: { level: string; ruleId: string }[] };
    expect(v.eligible).toBe(true);
    expect(v.findings.every((f) => f.level === 'warning')).toBe(true);
    expect(v.findings.map((f) => f.ruleId)).toContain('vr-prisma-pre');
  });

  it('exits 1 for the ineligible sample and explains each error in text', () => {
    const r = runEligibilityCheck({
      callDefinition: callJson,
      proposal: sample('proposal-ineligible.json'),
      format: 'text',
    });
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain('Result: NOT ELIGIBLE');
    for (const id of [
      'bmbf-max-request-per-partner',
      'jtc2020-coordinator-eligible',
      'jtc2020-module-coverage',
      'jtc2020-min-eligible-partners',
    ]) {
      expect(r.output).toContain(id);
    }
    expect(r.output).toContain('heidelberg (Universität Heidelberg, DE) requests €350,000.00 from BMBF');
    expect(r.output).toMatch(/Source: https?:\/\//);
    expect(r.output).toContain('Assumption: Documented for JTC2018');
  });

  it('uses the stage it is given', () => {
    const args = {
      callDefinition: callJson,
      proposal: sample('proposal-eligible.json'),
      format: 'json' as const,
    };
    const full = JSON.parse(runEligibilityCheck({ ...args, stage: 'full-proposal' }).output) as {
      stage: string;
      findings: { ruleId: string }[];
    };
    expect(full.stage).toBe('full-proposal');
    expect(full.findings.map((f) => f.ruleId)).toContain('vr-prisma-full');
  });

  it('exits 2 with every schema problem and its path, in both inputs', () => {
    const bad = sample('proposal-eligible.json') as {
      partners: { pi: { orcid?: string }; budget: { travel: number } }[];
      durationMonths: number;
    };
    bad.partners[0]!.pi.orcid = '0000-0002-1825-0098';
    bad.partners[1]!.budget.travel = -5;
    bad.durationMonths = 60;
    const badCall = { ...(callJson as object), version: 0 };
    const r = runEligibilityCheck({ callDefinition: badCall, proposal: bad, format: 'json' });
    expect(r.exitCode).toBe(2);
    const out = JSON.parse(r.output) as { error: string; issues: { input: string; path: string }[] };
    expect(out.error).toBe('BAD_INPUT');
    expect(out.issues.map((i) => `${i.input}:${i.path}`).sort()).toEqual(
      [
        'callDefinition:version',
        'proposal:durationMonths',
        'proposal:partners[0].pi.orcid',
        'proposal:partners[1].budget.travel',
      ].sort(),
    );
  });

  it('exits 2 for a funder outside the call or a budget in the wrong currency', () => {
    const doc = sample('proposal-eligible.json') as {
      partners: { funderId: string; budget: { currency: string } }[];
    };
    doc.partners[1]!.funderId = 'vinnova';
    doc.partners[2]!.budget.currency = 'EUR';
    const r = runEligibilityCheck({ callDefinition: callJson, proposal: doc, format: 'text' });
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('proposal.partners[1].funderId: funder "vinnova" is not known');
    expect(r.output).toContain(
      'proposal.partners[2].budget.currency: budget is in EUR but funder "frqs" takes budgets in CAD',
    );
  });

  it('exits 2, without a stack trace, for input that is not an object at all', () => {
    const r = runEligibilityCheck({ callDefinition: 'nope', proposal: null, format: 'text' });
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('callDefinition.(root)');
    expect(r.output).not.toMatch(/\n\s+at /);
  });

  it('rejects a call whose rule names a funder outside the call', () => {
    const call = JSON.parse(JSON.stringify(demoCall)) as { funders: { id: string }[] };
    call.funders = call.funders.filter((f) => f.id !== 'bmbf');
    const r = runEligibilityCheck({
      callDefinition: call,
      proposal: sample('proposal-eligible.json'),
      format: 'json',
    });
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('does not take part in this call');
  });
});

describe('formatPath', () => {
  it('renders zod paths as JSON paths', () => {
    expect(formatPath(['partners', 2, 'budget', 'currency'])).toBe('partners[2].budget.currency');
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['a b'])).toBe('["a b"]');
  });
});

describe('proposalJsonSchema', () => {
  it('describes the strict proposal document', () => {
    const s = proposalJsonSchema() as {
      type: string;
      additionalProperties: boolean;
      required: string[];
      properties: {
        partners: { maxItems: number; items: { additionalProperties: boolean } };
        durationMonths: { minimum: number; maximum: number };
      };
    };
    expect(s.type).toBe('object');
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(expect.arrayContaining(['acronym', 'partners', 'modules', 'durationMonths']));
    expect(s.properties.partners.maxItems).toBe(20);
    expect(s.properties.partners.items.additionalProperties).toBe(false);
    expect([s.properties.durationMonths.minimum, s.properties.durationMonths.maximum]).toEqual([12, 48]);
  });
});
