import { type ModuleCode, type OrganisationType, type ProposalDocument } from '@permed/domain';
import { type ParticipatingFunder } from '../context.ts';
import { buildPartner, buildProposal, makeOrcid } from './factories.ts';
import { type EligibilityCall } from '../eligibility-call.ts';

/** mulberry32: a tiny seeded PRNG, so benchmark inputs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const types: readonly OrganisationType[] = [
  'academia',
  'academia',
  'clinical-public-health',
  'company-sme',
  'company-large',
  'patient-organisation',
];
const modules: readonly ModuleCode[] = ['1A', '1B', '2A', '2B', '3A', '3B', '3C', '3D'];

/**
 * Seeded synthetic proposals over a call's funders: 3–7 partners, mostly funded, sometimes one
 * own-funded partner, budgets between 20 k and 520 k in the funder currency. Roughly a realistic mix
 * of eligible and ineligible consortia.
 */
export function syntheticProposals(call: EligibilityCall, count: number, seed = 42): ProposalDocument[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const funders: readonly ParticipatingFunder[] = call.funders;
  const out: ProposalDocument[] = [];
  for (let n = 0; n < count; n++) {
    const size = 3 + Math.floor(rnd() * 5);
    const partners = Array.from({ length: size }, (_, i) => {
      const ownFunded = rnd() < 0.08;
      const funder = pick(funders);
      return buildPartner(
        {
          id: `p${i + 1}`,
          funderId: ownFunded ? null : funder.id,
          ...(ownFunded ? { country: 'US', currency: 'USD' } : {}),
          type: pick(types),
          coordinator: i === 0,
          requestMinor: (20_000 + Math.floor(rnd() * 500_000)) * 100,
          name: `Institute ${Math.floor(rnd() * 400)}`,
          piEmail: `pi${Math.floor(rnd() * 5000)}@example.org`,
          orcid: makeOrcid(String(Math.floor(rnd() * 1e15))),
        },
        call,
      );
    });
    const chosen = modules.filter(() => rnd() < 0.35);
    out.push(
      buildProposal(
        {
          acronym: `SYN${n}`,
          partners,
          modules: chosen.length ? chosen : [pick(modules)],
          durationMonths: pick([24, 36, 36, 36, 48]),
        },
        call,
      ),
    );
  }
  return out;
}
