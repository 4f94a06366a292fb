/**
 * Structural equality for plain JSON-like data, ignoring key order and `undefined` fields. Deciders use it
 * to recognise an identical retry, which must be a no-op rather than a conflict.
 */
export const sameContent = (left: unknown, right: unknown): boolean => canonical(left) === canonical(right);

const canonical = (value: unknown): string => JSON.stringify(value, (_key, field: unknown) =>
  field !== null && typeof field === 'object' && !Array.isArray(field)
    ? Object.fromEntries(
        Object.entries(field as Record<string, unknown>)
          .filter(([, entry]) => entry !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      )
    : field,
);
