import { BlockList, isIP } from 'node:net';

/**
 * Addresses an article is never fetched from unless ALLOW_PRIVATE_URLS is on: what a request
 * from the bot's machine could reach that the public cannot (SSRF). Loopback, the private
 * ranges, link-local (cloud metadata services live at 169.254.169.254), unique-local,
 * carrier-grade NAT, "this network", multicast and broadcast.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 one (::ffff:127.0.0.1), which reaches it as well. */
function embeddedIpv4(address: string): string | undefined {
  return /^(?:::ffff:|::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
}

/** Whether an IP address is loopback, private, link-local, unique-local or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const ipv4 = isIP(bare) === 4 ? bare : embeddedIpv4(bare);
  if (ipv4) return PRIVATE.check(ipv4, 'ipv4');
  if (isIP(bare) === 6) return PRIVATE.check(bare, 'ipv6');
  // Not an address at all: nothing to connect to, so nothing is allowed.
  return true;
}
