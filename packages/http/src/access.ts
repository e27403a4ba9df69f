import { AppError } from './errors.ts';

export const roles = ['admin', 'call-office', 'funder', 'applicant', 'reviewer'] as const;
export type Role = (typeof roles)[number];
export type ScopeType = 'global' | 'call' | 'funder' | 'proposal';

export interface Grant {
  role: Role;
  scopeType: ScopeType;
  scopeId: string;
  /** Applicants: coordinator, editor or viewer. */
  subRole?: string | null;
}

/** The authenticated user of a request, with every grant it holds (read fresh on each request). */
export interface Principal {
  userId: string;
  email: string;
  displayName: string;
  sessionId: string;
  grants: Grant[];
  /** The IANA zone the user chose to read dates in (absent or null: none chosen). */
  timeZone?: string | null;
}

/**
 * What a route needs, declared on every route (`config: { access }`); the app refuses to start
 * with a route that declares nothing. Role lists are "any of"; admin passes every role list.
 * Object-level scope (which call, funder, proposal) is checked in the use case with `requireScope`.
 */
export type Access = { public: true } | { authenticated: true } | { roles: readonly Role[] };

export const publicAccess = { public: true } as const satisfies Access;
export const authenticated = { authenticated: true } as const satisfies Access;
export const anyOf = (...r: Role[]): Access => ({ roles: r });

export function isAdmin(p: Principal): boolean {
  return p.grants.some((g) => g.role === 'admin');
}

export function hasAnyRole(p: Principal, wanted: readonly Role[]): boolean {
  return isAdmin(p) || p.grants.some((g) => wanted.includes(g.role));
}

/** True when the principal holds `role` for this scope (or globally). Admin holds every scope. */
export function hasScope(p: Principal, role: Role, scopeType: ScopeType, scopeId: string): boolean {
  if (isAdmin(p)) return true;
  return p.grants.some(
    (g) =>
      g.role === role && (g.scopeType === 'global' || (g.scopeType === scopeType && g.scopeId === scopeId)),
  );
}

/** Ids the principal holds `role` on, or '*' for a global grant. */
export function scopeIds(p: Principal, role: Role, scopeType: ScopeType): string[] | '*' {
  if (isAdmin(p)) return '*';
  const mine = p.grants.filter((g) => g.role === role);
  if (mine.some((g) => g.scopeType === 'global')) return '*';
  return mine.filter((g) => g.scopeType === scopeType).map((g) => g.scopeId);
}

export function requireScope(p: Principal, role: Role, scopeType: ScopeType, scopeId: string): void {
  if (!hasScope(p, role, scopeType, scopeId)) {
    throw new AppError('FORBIDDEN', `Needs role ${role} for this ${scopeType}`);
  }
}
