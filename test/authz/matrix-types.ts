// The vocabulary of the authorisation matrix: who asks (roles), about what (resources), doing what
// (actions), when (stages), and what a cell expects. Kept apart from the cells so that the world
// (which builds the data) and the renderer (which only prints) can share it without importing
// each other.

export const roles = [
  'anonymous',
  'coordinator',
  'partnerEditor',
  'viewer',
  'funderOfPartner',
  'otherFunder',
  'callOffice',
  'otherCallOffice',
  'reviewerAssigned',
  'reviewerUnassigned',
  'reviewerConflicted',
  'admin',
] as const;
export type Role = (typeof roles)[number];

/** Who each role is in the world (proposal A is the object of every cell unless the row says otherwise). */
export const roleLabels: Record<Role, { short: string; name: string; who: string }> = {
  anonymous: { short: 'anon', name: 'anonymous', who: 'no token' },
  coordinator: {
    short: 'coord',
    name: 'coordinator',
    who: 'coordinator of proposal A (applicant, subRole coordinator)',
  },
  partnerEditor: {
    short: 'p-editor',
    name: 'partner editor',
    who: 'editor of proposal A tied to the partner section `karolinska` (the VR-funded partner)',
  },
  viewer: { short: 'viewer', name: 'viewer', who: 'viewer of proposal A' },
  funderOfPartner: {
    short: 'VR',
    name: "partner's funder",
    who: 'funder officer of VR, the funder of partner `karolinska`',
  },
  otherFunder: {
    short: 'BMBF',
    name: 'other funder',
    who: 'funder officer of BMBF, which funds another partner (`charite`) of the same proposal',
  },
  callOffice: { short: 'office', name: 'call office', who: 'call office of this call (scope call = its id)' },
  otherCallOffice: {
    short: 'office-2',
    name: 'other call office',
    who: 'call office of another published call',
  },
  reviewerAssigned: {
    short: 'rev-A',
    name: 'reviewer assigned',
    who: 'reviewer of the call assigned to proposal A, declared no conflict (from the review stage)',
  },
  reviewerUnassigned: {
    short: 'rev-B',
    name: 'reviewer not assigned',
    who: 'reviewer of the call assigned to proposal B only (from the review stage)',
  },
  reviewerConflicted: {
    short: 'rev-COI',
    name: 'reviewer conflicted',
    who: 'reviewer of the call who was assigned to proposal A and declared a conflict (withdrawn from A)',
  },
  admin: { short: 'admin', name: 'admin', who: 'administrator (global)' },
};

export const stages = ['submission', 'eligibility', 'review', 'frozen', 'decisions'] as const;
export type Stage = (typeof stages)[number];

export const stageLabels: Record<Stage, { title: string; state: string }> = {
  submission: {
    title: 'submission open',
    state:
      'call `full-proposals-open`; A and B submitted once (version 1), their drafts still editable; reviewers in the pool, nothing assigned',
  },
  eligibility: {
    title: 'eligibility check',
    state: 'call `eligibility-check` (deadline passed); proposals `eligibility-check`; no verdict yet',
  },
  review: {
    title: 'review',
    state:
      'call `full-proposal-review`; every partner found eligible, formal checks passed; proposals `under-review`; assignments made, COI declared, no review submitted',
  },
  frozen: {
    title: 'after ranking frozen',
    state:
      'reviews submitted, call office opened the panel and froze the ranking: call `funding-recommendation`, proposals `ranked`; no recommendation yet',
  },
  decisions: {
    title: 'national decisions',
    state: 'recommendation recorded: call `national-decisions`, proposals `recommended`',
  },
};

export const resources = [
  'draft',
  'submitted versions',
  'uploads',
  'partner budgets',
  'verdicts',
  'reviews',
  'COI declarations',
  'assignments',
  'ranking list',
  'recommendation',
  'decisions',
  'audit log',
] as const;
export type Resource = (typeof resources)[number];

export type Action = 'read' | 'write' | 'delete';

/**
 * An expected answer: the status, and for an error the problem `code` ("403 NOT_ASSIGNED").
 * 2xx cells carry no code.
 */
export type Expected = string;

/** Ids and names of the world's objects, substituted into `{placeholders}` of a path. */
export type Refs = Record<RefName, string>;
export const refNames = [
  'slug',
  'callId',
  'otherSlug',
  'otherCallId',
  'A',
  'B',
  'partner',
  'otherPartner',
  'funder',
  'otherFunder',
  'declinedAssignment',
  'reviewerAssignedId',
] as const;
export type RefName = (typeof refNames)[number];

/** What a request factory may ask the world while building a request (versions for If-Match, files). */
export interface Live {
  refs: Refs;
  /** The header version of a proposal's draft (for If-Match). */
  headerVersion(proposalId: string): Promise<number>;
  /** A partner section as stored and its version (for If-Match). */
  partnerSection(
    proposalId: string,
    partnerId: string,
  ): Promise<{ section: Record<string, unknown>; version: number } | null>;
  /** A small valid PDF. */
  pdf(): Promise<Uint8Array>;
  /** The conditional header that uploads a proposal's PDF now (If-Match of the current one, or If-None-Match: *). */
  uploadConditions(proposalId: string): Promise<Record<string, string>>;
  /** Adds the throwaway partner section `scratch` to proposal A while its draft is editable. */
  ensureScratchPartner(): Promise<void>;
  /** Removes `scratch` again if it is still there, so that later cells see the consortium as submitted. */
  removeScratchPartner(): Promise<void>;
  /** Removes the pair (B, assigned reviewer) again if a cell added it. */
  removeExtraPair(): Promise<void>;
}

export interface Operation {
  /** Stable id, used in test names and the document. */
  id: string;
  resource: Resource;
  action: Action;
  /** What the request touches, in words. */
  what: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** URL with `{ref}` placeholders (see Refs). */
  path: string;
  body?: (live: Live) => unknown;
  headers?: (live: Live) => Promise<Record<string, string>>;
  /** multipart/form-data with one PDF file part. */
  upload?: true;
  /** Property-level rows: fields the body smuggles in that must be refused as unknown (400). */
  smuggled?: string[];
  /** Runs before each cell of the row (as the world's own users, not as the role). */
  prepare?: (live: Live) => Promise<void>;
  /** Runs after each cell of the row. */
  cleanup?: (live: Live) => Promise<void>;
  expect: Record<Stage, Record<Role, Expected>>;
  /**
   * For an allowed answer: what the body must not show this role (another funder's partners,
   * another reviewer's assignments, reviewers' identities). Returns the problems found.
   */
  visible?: (seen: { role: Role; stage: Stage; refs: Refs; body: unknown; text: string }) => string[];
  /** The content check in words, for the document. */
  visibleRule?: string;
  /** Why a row looks the way it does, where it is not obvious. */
  note?: string;
}
