import { duplicateKey } from './export-file';

describe('duplicate keys in an export line', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"x":{"b":[1,{"c":1,"c":2}]}}', 'c'],
    ['{"data":{"q":"}{,\\"q\\":","q":1}}', 'q'],
  ])('finds the key twice in %s', (text, key) => expect(duplicateKey(text)).toBe(key));

  it.each(['{"a":1,"b":{"a":1},"c":[{"a":1},{"a":2}]}', '{"a":"\\"a\\":1,","b":"a"}', '[{"a":1},{"a":1}]', '{}', '{"":1,"a":[]}'])('finds none in %s', (text) =>
    expect(duplicateKey(text)).toBeUndefined(),
  );
});
