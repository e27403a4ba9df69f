import { describe, expect, it } from 'vitest';
import { AppError, errorCatalogue, pointer, toProblem, validationError } from './errors.ts';
import { hasScope, scopeIds, type Principal } from './access.ts';

describe('problem documents', () => {
  it('renders RFC 9457 members plus the stable code', () => {
    const problem = toProblem(
      new AppError('DEADLINE_PASSED', 'Closed at 17:00 CET', {
        extensions: { serverTime: '2020-03-05T16:00:00Z' },
      }),
      '/api/x',
      'req-1',
    );
    expect(problem).toEqual({
      type: 'https://permed-calls.org/problems/deadline-passed',
      title: 'The deadline has passed',
      status: 409,
      code: 'DEADLINE_PASSED',
      detail: 'Closed at 17:00 CET',
      instance: '/api/x',
      requestId: 'req-1',
      serverTime: '2020-03-05T16:00:00Z',
    });
  });

  it('never lets an extension override the standard members', () => {
    const p = toProblem(new AppError('NOT_FOUND', undefined, { extensions: { status: 200, code: 'OK' } }));
    expect(p.status).toBe(404);
    expect(p.code).toBe('NOT_FOUND');
  });

  it('maps every code to a 4xx or 5xx status', () => {
    for (const [code, { status }] of Object.entries(errorCatalogue)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });

  it('builds JSON pointers with RFC 6901 escaping', () => {
    expect(pointer(['partners', 2, 'budget'])).toBe('/partners/2/budget');
    expect(pointer(['a/b', 'c~d'])).toBe('/a~1b/c~0d');
    expect(pointer([])).toBe('');
    const e = validationError([{ path: ['x'], message: 'bad' }], 'query');
    expect(e.errors).toEqual([{ in: 'query', path: '/x', message: 'bad' }]);
  });
});

describe('scopes', () => {
  const p = (grants: Principal['grants']): Principal => ({
    userId: 'u',
    email: 'e',
    displayName: 'd',
    sessionId: 's',
    grants,
  });

  it('grants a scoped role only for its own object', () => {
    const officer = p([{ role: 'funder', scopeType: 'funder', scopeId: 'bmbf' }]);
    expect(hasScope(officer, 'funder', 'funder', 'bmbf')).toBe(true);
    expect(hasScope(officer, 'funder', 'funder', 'vr')).toBe(false);
    expect(hasScope(officer, 'call-office', 'call', 'c1')).toBe(false);
    expect(scopeIds(officer, 'funder', 'funder')).toEqual(['bmbf']);
  });

  it('lets a global grant and the admin reach every scope', () => {
    expect(
      hasScope(p([{ role: 'call-office', scopeType: 'global', scopeId: '*' }]), 'call-office', 'call', 'any'),
    ).toBe(true);
    expect(scopeIds(p([{ role: 'admin', scopeType: 'global', scopeId: '*' }]), 'funder', 'funder')).toBe('*');
  });
});
