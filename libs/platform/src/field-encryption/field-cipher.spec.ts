import { newDataKey, openValue, sealValue, SealedValueRefused } from './field-cipher';
import { unwrapDataKey, wrapDataKey } from './key-wrapping';
import { masterKeyIdOf, parseMasterKey } from './master-key';

describe('field encryption', () => {
  const key = newDataKey();
  const value = { name: 'Moussa Ag Intalla', contactNotes: 'Signal only' };

  it('seals a JSON value so that only its key, subject and field open it', () => {
    const sealed = sealValue(key, 'src-1', 'source.identity', value);
    expect(sealed).toMatchObject({ sealed: 'aes-256-gcm/v1', subject: 'src-1' });
    expect(JSON.stringify(sealed)).not.toContain('Moussa');
    expect(openValue(key, 'source.identity', sealed)).toEqual(value);
    // A fresh IV each time: sealing the same value twice gives two ciphertexts.
    expect(sealValue(key, 'src-1', 'source.identity', value).ciphertext).not.toBe(sealed.ciphertext);
    expect(() => openValue(newDataKey(), 'source.identity', sealed)).toThrow(SealedValueRefused);
    expect(() => openValue(key, 'report.details', sealed)).toThrow(SealedValueRefused);
    expect(() => openValue(key, 'source.identity', { ...sealed, subject: 'src-2' })).toThrow(SealedValueRefused);
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] ^= 1;
    expect(() => openValue(key, 'source.identity', { ...sealed, ciphertext: flipped.toString('base64') })).toThrow(SealedValueRefused);
  });

  it('refuses a truncated authentication tag (a 4-byte tag would make forgeries a 2^32 guess)', () => {
    const sealed = sealValue(key, 'src-1', 'source.identity', value);
    const short = Buffer.from(sealed.tag, 'base64').subarray(0, 4).toString('base64');
    expect(() => openValue(key, 'source.identity', { ...sealed, tag: short })).toThrow(SealedValueRefused);
    const master = newDataKey();
    const [version, iv, ciphertext, tag] = wrapDataKey(master, 'src-1', key).split('.');
    const shortWrapped = [version, iv, ciphertext, Buffer.from(tag, 'base64').subarray(0, 4).toString('base64')].join('.');
    expect(() => unwrapDataKey(master, 'src-1', shortWrapped)).toThrow(SealedValueRefused);
  });

  it('wraps a data key under the master key for one subject; another master key or subject does not unwrap it', () => {
    const master = newDataKey();
    const wrapped = wrapDataKey(master, 'src-1', key);
    expect(unwrapDataKey(master, 'src-1', wrapped).equals(key)).toBe(true);
    expect(() => unwrapDataKey(newDataKey(), 'src-1', wrapped)).toThrow(SealedValueRefused);
    expect(() => unwrapDataKey(master, 'src-2', wrapped)).toThrow(SealedValueRefused);
  });

  it('parses a base64 32-byte master key, names it by a hash prefix, and never echoes a bad value', () => {
    const text = Buffer.alloc(32, 9).toString('base64');
    expect(parseMasterKey(text, 'DATA_KEY_ENCRYPTION_KEY')).toMatchObject({ id: masterKeyIdOf(Buffer.alloc(32, 9)) });
    expect(masterKeyIdOf(Buffer.alloc(32, 9))).toMatch(/^[0-9a-f]{16}$/);
    expect(() => parseMasterKey('c2hvcnQ=', 'DATA_KEY_ENCRYPTION_KEY')).toThrow('DATA_KEY_ENCRYPTION_KEY: not a base64 32-byte key; create one with `npm run cli -- protection keygen`');
  });
});
