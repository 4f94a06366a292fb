import { refusedAddressReason } from './webhook-address';

describe('webhook address policy', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::127.0.0.1',
    '[::1]',
    // embedded IPv4 in the hex notation the URL parser writes (`[::127.0.0.1]` becomes `[::7f00:1]`)
    '::7f00:1',
    '::ffff:0:7f00:1',
    '64:ff9b::7f00:1',
    '0:0:0:0:0:ffff:7f00:1',
    '2002:7f00:1::1',
    '2002:a9fe:a9fe::',
    '64:ff9b:1::a9fe:a9fe',
    'fec0::1',
    'fe80::1%eth0',
  ])('refuses %s', (address) => expect(refusedAddressReason(address)).toEqual(expect.any(String)));

  it.each(['93.184.215.14', '198.51.100.7', '172.32.0.1', '2606:4700::1111', '::ffff:93.184.215.14', '::ffff:5db8:d70e', '64:ff9b::5db8:d70e', '2002:5db8:d70e::1'])('allows %s', (address) =>
    expect(refusedAddressReason(address)).toBeUndefined(),
  );

  it('refuses what is not an address', () => expect(refusedAddressReason('localhost')).toMatch(/not an IP address/));
});
