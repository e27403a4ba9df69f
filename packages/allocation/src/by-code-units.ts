/** Code-unit order: unlike localeCompare it does not depend on the runtime's locale data. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
