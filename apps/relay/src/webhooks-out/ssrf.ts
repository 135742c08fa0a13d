// Where the relay may send a webhook: an organisation administrator names a URL, and the
// relay must not become a way into its own network (the cloud metadata service, a database
// on a private address, the relay's own loopback). Every address a host name resolves to is
// checked, and the connection is made to the checked address (no second lookup a rebinding
// DNS server could answer differently). Private, loopback, link-local, metadata, CGNAT,
// multicast and unspecified addresses are refused unless the relay was started with
// RELAY_WEBHOOKS_ALLOW_PRIVATE (tests and the demo, whose receivers listen on loopback).
import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, bits] of [
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
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['fd00:ec2::', 32],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** Whether an address is one a webhook may not reach without the relay's explicit permission. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true; // not an address at all: refuse
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * A subscription's URL as the relay accepts it, or the Swedish reason it does not: https, or
 * http to a loopback host when private addresses are allowed (tests, the demo); no
 * credentials in the URL; an address literal must not be private unless allowed.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): { ok: true; url: URL } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'Adressen är inte en giltig URL.' };
  }
  if (url.username || url.password) return { ok: false, problem: 'Adressen får inte innehålla användarnamn eller lösenord.' };
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'http:') {
    if (!(allowPrivate && (LOOPBACK_NAMES.has(host) || isIP(host.replace(/^\[|\]$/g, '')) !== 0)))
      return { ok: false, problem: 'Adressen måste börja med https:// (http är bara tillåtet mot den egna datorn i test).' };
  } else if (url.protocol !== 'https:') return { ok: false, problem: 'Adressen måste börja med https://.' };
  const literal = host.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (LOOPBACK_NAMES.has(host) || (isIP(literal) !== 0 && isPrivateAddress(literal))))
    return { ok: false, problem: `Adressen ${host} är en intern adress; reläet skickar inte webhooks dit.` };
  return { ok: true, url };
}

type LookupAddress = { address: string; family: number };
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))));

/** Refused before any byte is sent: the URL or an address it resolves to is not allowed. */
export class BlockedAddress extends Error {}

/**
 * The address to connect to for a URL's host: every address it resolves to must be allowed
 * (one private answer refuses the host), and the first is used.
 */
export async function pinAddress(url: URL, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<LookupAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  const addrs = family !== 0 ? [{ address: host, family }] : await resolve(host);
  if (addrs.length === 0) throw new Error(`${host} has no address`);
  if (!allowPrivate) {
    const bad = addrs.find((a) => isPrivateAddress(a.address));
    if (bad) throw new BlockedAddress(`${host} resolves to ${bad.address}, an internal address (refused)`);
  }
  return addrs[0]!;
}
