import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// Where a webhook may not point by default: the host itself, its private networks, link-local (cloud
// metadata at 169.254.169.254), and addresses that are not unicast destinations at all.
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fe80::', 10],
  ['fc00::', 7],
  ['ff00::', 8],
  ['100::', 64],
  // deprecated site-local, and NAT64's local-use prefix (RFC 8215): never a public receiver
  ['fec0::', 10],
  ['64:ff9b:1::', 48],
] as const)
  BLOCKED.addSubnet(network, prefix, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail folded, a zone dropped). */
const ipv6Groups = (address: string): number[] => {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groups = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const [head, tail] = text.split('::');
  if (tail === undefined) return groups(head);
  const [before, after] = [groups(head), groups(tail)];
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
};

/**
 * The IPv4 address an IPv6 address embeds, if any: IPv4-compatible `::a.b.c.d`, IPv4-mapped
 * `::ffff:a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` (in the last 32 bits)
 * and 6to4 `2002:aabb:ccdd::` (bits 16–48), whatever their notation: the URL parser writes `[::127.0.0.1]`
 * as `[::7f00:1]`, so the groups are compared, not the text.
 */
const embeddedIpv4 = (address: string): string | undefined => {
  const g = ipv6Groups(address);
  const ipv4 = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  // `::` and `::1` are themselves (the block list names them), not IPv4-compatible addresses.
  if (zeros(0, 6) && g[6] === 0 && g[7] <= 1) return undefined;
  if (zeros(0, 5) && (g[5] === 0 || g[5] === 0xffff)) return ipv4(g[6], g[7]);
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return ipv4(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return ipv4(g[6], g[7]);
  if (g[0] === 0x2002) return ipv4(g[1], g[2]);
  return undefined;
};

/** Why an address may not receive deliveries, or undefined when it may. */
export const refusedAddressReason = (address: string): string | undefined => {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4) return refusedAddressReason(v4) ? `${address} embeds the refused address ${v4}` : undefined;
  }
  return BLOCKED.check(bare, family === 4 ? 'ipv4' : 'ipv6') ? `${address} is a loopback, private, link-local or reserved address` : undefined;
};

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** The host of a URL as DNS and sockets take it (`[::1]` → `::1`). */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Resolves a host to every address it has and refuses it when any is refused (unless `allowPrivate`): a
 * name with one public and one private address could otherwise be steered to the private one. Throws
 * `WebhookAddressRefused` with the reason.
 */
export const resolveDeliveryAddresses = async (host: string, allowPrivate: boolean): Promise<ResolvedAddress[]> => {
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  if (family) addresses = [{ address: host, family: family as 4 | 6 }];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => ({ address: entry.address, family: entry.family as 4 | 6 }));
    } catch (error) {
      throw new WebhookAddressRefused(`${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (addresses.length === 0) throw new WebhookAddressRefused(`${host} does not resolve`);
  }
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const reason = refusedAddressReason(address);
      if (reason) throw new WebhookAddressRefused(family ? reason : `${host} resolves to ${reason}`);
    }
  }
  return addresses;
};

/** A webhook URL whose host is (or resolves to) an address deliveries may not go to. */
export class WebhookAddressRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'WebhookAddressRefused';
  }
}
