import { drizzle } from 'drizzle-orm/pglite';
import { schema, type Db } from '@permed/db';

/**
 * A drizzle handle over an embedded PGlite that fails on demand, for the PGlite variant of the
 * database-fault scenario (PGlite lives in the process: it cannot be restarted or cut off). While
 * `down`, every statement fails; `failInTransaction(n)` makes the n-th statement of the next
 * transaction fail, so the transaction dies half-way. The error is what postgres.js raises when
 * its connection drops (code CONNECTION_CLOSED): the platform's mapping and its transactions are
 * what is under test, not the driver's reconnection (the PostgreSQL variant covers that).
 */
export interface FaultyDatabase {
  db: Db;
  down: boolean;
  failInTransaction(statement: number): void;
  /** Statements refused so far. */
  readonly refused: number;
}

/** The part of a PGlite instance (and of its transactions) that drizzle uses. */
interface PgliteLike {
  query(...args: unknown[]): Promise<unknown>;
  exec(...args: unknown[]): Promise<unknown>;
  transaction<T>(fn: (tx: PgliteLike) => Promise<T>): Promise<T>;
}

/** `client`: the PGlite instance under a drizzle handle (`db.$client`). */
export function faultyDatabase(client: unknown): FaultyDatabase {
  let refused = 0;
  let armed: number | null = null;
  const state = { down: false };
  const fail = (): never => {
    refused += 1;
    throw Object.assign(new Error('write CONNECTION_CLOSED (injected fault)'), { code: 'CONNECTION_CLOSED' });
  };
  const wrap = (target: PgliteLike, inTransaction: { count: number } | null): PgliteLike =>
    new Proxy(target, {
      get(t, prop) {
        if (prop === 'query' || prop === 'exec') {
          return async (...args: unknown[]) => {
            if (state.down) fail();
            if (inTransaction && armed !== null && ++inTransaction.count >= armed) {
              armed = null;
              fail();
            }
            return t[prop](...args);
          };
        }
        if (prop === 'transaction') {
          return (fn: (tx: PgliteLike) => Promise<unknown>) =>
            t.transaction((tx) => fn(wrap(tx, { count: 0 })));
        }
        const value = Reflect.get(t, prop, t) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  const db = drizzle({
    client: wrap(client as PgliteLike, null) as never,
    schema,
    casing: 'snake_case',
  }) as unknown as Db;
  return {
    db,
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    failInTransaction(statement) {
      armed = statement;
    },
    get refused() {
      return refused;
    },
  };
}
