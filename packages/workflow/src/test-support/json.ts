/** What a snapshot looks like after a trip through a jsonb column. */
export function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
