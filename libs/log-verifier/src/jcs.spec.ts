import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from './jcs';

describe('RFC 8785 canonical JSON', () => {
  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3 example): an astral character before U+FB33', () => {
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Read the order from the text: JSON.parse would move the integer-like key "1" first again.
    expect(canonicalJson(value).match(/"((?:[^"\\]|\\.)*)":/g)?.map((key) => JSON.parse(key.slice(0, -1)) as string)).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('spells numbers as ECMAScript does (RFC 8785 appendix B)', () => {
    const cases: Array<[number, string]> = [
      [0, '0'], [-0, '0'], [1e21, '1e+21'], [1e20, '100000000000000000000'], [0.1, '0.1'], [1e-7, '1e-7'], [0.000001, '0.000001'],
      [4.5, '4.5'], [2e-3, '0.002'], [333333333.3333333, '333333333.3333333'], [1e30, '1e+30'], [9007199254740992, '9007199254740992'],
      [-1.7976931348623157e308, '-1.7976931348623157e+308'], [5e-324, '5e-324'], [295147905179352830000, '295147905179352830000'],
    ];
    for (const [value, text] of cases) expect(canonicalJson(value)).toBe(text);
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('matches the canonicalize library on tricky values', () => {
    const tricky: unknown[] = [
      { b: [1e21, 0.1, -0, 1e-7, -1.5e-300], a: { 'é': 'x', e: 'y', '\u00e9\u0301': 'z' }, '': null },
      { nested: { deeper: [{ z: 1, y: [true, false, null] }, 'tab\tquote"backslash\\', '\u2028\u2029', '\u0000\u001f\u007f'] } },
      { lone: '\ud800', pair: '\ud83d\ude00', keyOrder: { B: 1, a: 2, _: 3, '10': 4, '9': 5, '\ud83d\ude00': 6, '\uffff': 7 } },
      [],
      {},
      'just a string',
      12.000,
      { list: [[], [[]], {}], empty: '' },
    ];
    for (const value of tricky) expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('matches the canonicalize library on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ unit: 'binary' }))), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 1000 },
    );
  });
});
