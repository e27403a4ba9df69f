import { MAX_PARTNERS, moduleCode, organisationType, type ProposalDocument } from '@permed/domain';
import fc from 'fast-check';
import { type EligibilityCall } from '../eligibility-call.ts';
import { demoCall } from '../data/jtc2020-call.ts';
import { buildPartner, buildProposal, makeOrcid } from './factories.ts';

const crockford = '0123456789abcdefghjkmnpqrstvwxyz';

/** A valid ROR id (checksum computed the ROR way). */
export const arbRorId = fc.array(fc.constantFrom(...crockford), { minLength: 6, maxLength: 6 }).map((cs) => {
  const body = `0${cs.join('')}`;
  let n = 0;
  for (const ch of body) n = n * 32 + crockford.indexOf(ch);
  return `https://ror.org/${body}${String(98 - ((n * 100) % 97)).padStart(2, '0')}`;
});

export const arbOrcid = fc.stringMatching(/^\d{15}$/).map(makeOrcid);

const arbPartnerId = fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8})?$/);

export interface ArbProposalOptions {
  readonly minPartners?: number;
  readonly maxPartners?: number;
  readonly call?: EligibilityCall;
  /** false: every partner asks a participating funder (no own-funded partners). */
  readonly ownFunded?: boolean;
}

/**
 * Valid proposal documents over a call's funders: unique partner ids, exactly one coordinator,
 * valid ORCID and ROR ids, budgets in each funder's currency.
 */
export function arbProposal(options: ArbProposalOptions = {}): fc.Arbitrary<ProposalDocument> {
  const call = options.call ?? demoCall;
  const minPartners = options.minPartners ?? 1;
  const maxPartners = options.maxPartners ?? MAX_PARTNERS;
  const funderIds = call.funders.map((f) => f.id);
  const arbPartner = fc.record({
    funderId:
      options.ownFunded === false
        ? fc.constantFrom(...funderIds)
        : fc.option(fc.constantFrom(...funderIds), { freq: 8 }),
    type: fc.constantFrom(...organisationType.options),
    requestMinor: fc.integer({ min: 0, max: 2_000_000_00 }),
    overhead: fc.integer({ min: 0, max: 200_000_00 }),
    name: fc.constantFrom(
      'Charité',
      'Karolinska Institutet',
      'Institut Pasteur',
      'Hospital Clínic',
      'Université Laval',
      'Uni X',
    ),
    legalEntityId: fc.option(fc.stringMatching(/^[0-9]{9}$/), { nil: undefined }),
    rorId: fc.option(arbRorId, { nil: undefined }),
    orcid: fc.option(arbOrcid, { nil: undefined }),
    piEmail: fc.constantFrom(
      'a@example.org',
      'b@example.org',
      'c@example.org',
      'd@example.org',
      'e@example.org',
    ),
  });
  return fc
    .record({
      ids: fc.uniqueArray(arbPartnerId, { minLength: minPartners, maxLength: maxPartners }),
      modules: fc.uniqueArray(fc.constantFrom(...moduleCode.options), { minLength: 1, maxLength: 8 }),
      durationMonths: fc.integer({ min: 12, max: 48 }),
      coordinatorPick: fc.nat(),
    })
    .chain(({ ids, modules, durationMonths, coordinatorPick }) =>
      fc.array(arbPartner, { minLength: ids.length, maxLength: ids.length }).map((specs) =>
        buildProposal(
          {
            durationMonths,
            modules,
            partners: specs.map((s, i) =>
              buildPartner(
                {
                  id: ids[i]!,
                  funderId: s.funderId ?? null,
                  ...(s.funderId ? {} : { country: 'CH' }),
                  type: s.type,
                  coordinator: i === coordinatorPick % ids.length,
                  requestMinor: s.requestMinor,
                  budget: { overhead: s.overhead },
                  name: s.name,
                  ...(s.legalEntityId ? { legalEntityId: s.legalEntityId } : {}),
                  ...(s.rorId ? { rorId: s.rorId } : {}),
                  ...(s.orcid ? { orcid: s.orcid } : {}),
                  piEmail: s.piEmail,
                },
                call,
              ),
            ),
          },
          call,
        ),
      ),
    );
}
