import { countryCode } from '@permed/domain';
import { z } from 'zod';
import { organisationRef, personRef } from './identity.ts';

const id = z.string().trim().min(1);

export const reviewerProfile = z
  .object({
    id,
    person: personRef,
    organisation: organisationRef,
    country: countryCode,
    /** Funders (by the call's funder id) that employ the reviewer, e.g. a programme officer of a ministry. */
    employedByFunderIds: z.array(id).default([]),
    /** Co-authors and collaborators the reviewer listed when accepting the invitation. */
    collaborators: z.array(personRef).default([]),
    /** Conflicts the reviewer declared per proposal, with their own words. */
    declaredConflicts: z
      .array(z.object({ proposalId: id, note: z.string().max(2000).default('') }))
      .default([]),
  })
  .describe('What conflict detection needs to know about a reviewer');
export type ReviewerProfile = z.infer<typeof reviewerProfile>;

export const consortiumPartner = z.object({
  id,
  organisation: organisationRef,
  country: countryCode,
  /** The funder the partner asks money from; null for an own-funded partner. */
  funderId: id.nullable(),
  pi: personRef.optional(),
});
export type ConsortiumPartner = z.infer<typeof consortiumPartner>;

export const proposalConsortium = z
  .object({ id, acronym: z.string().optional(), partners: z.array(consortiumPartner).min(1) })
  .describe('What conflict detection needs to know about a proposal');
export type ProposalConsortium = z.infer<typeof proposalConsortium>;

export const conflictSettings = z
  .object({
    /** Some calls forbid reviewers from any partner's country (CHIST-ERA-style panels). */
    forbidSameCountry: z.boolean().default(false),
  })
  .describe("The call's conflict-of-interest rules");
export type ConflictSettings = z.infer<typeof conflictSettings>;
