/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), for values read with `JSON.parse`: object keys sorted by
 * their UTF-16 code units, numbers in ECMAScript's shortest round-trip spelling (`String(n)`, so -0 is "0"
 * and 1e21 is "1e+21"), strings escaped as `JSON.stringify` escapes them (RFC 8785 section 3.2.2.2 is
 * exactly that), no whitespace. Members whose value is undefined are left out and array holes are null,
 * as in `JSON.stringify`, so a value produces the same text here and in the server's library.
 */
export const canonicalJson = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${String(value)} has no JSON form`);
      return String(value);
    case 'object': {
      if (value === null) return 'null';
      const withJson = value as { toJSON?: unknown };
      if (typeof withJson.toJSON === 'function') return canonicalJson((withJson.toJSON as () => unknown).call(value));
      if (Array.isArray(value)) {
        return `[${value.map((item: unknown) => (item === undefined || typeof item === 'symbol' || typeof item === 'function' ? 'null' : canonicalJson(item))).join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      // Array.prototype.sort without a comparator orders strings by UTF-16 code units, as RFC 8785 3.2.3 asks.
      const members = Object.keys(record)
        .sort()
        .filter((key) => record[key] !== undefined && typeof record[key] !== 'symbol' && typeof record[key] !== 'function')
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`a ${typeof value} has no JSON form`);
  }
};
