/** A reason counts only if it says something: whitespace is no justification for an override. */
export function hasText(value: string | undefined): value is string {
  return value !== undefined && value.trim().length > 0;
}
