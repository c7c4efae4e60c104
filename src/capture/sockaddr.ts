// Reads a struct sockaddr (in the tutorial's union sockaddr_t) as the kernel lays it out.
import type { ClientAddress } from './events.js';

const AF_INET = 2;
const AF_INET6 = 10;

export function decodeSockaddr(bytes: Buffer): ClientAddress {
  if (bytes.length < 8) return { family: 'unknown', address: '', port: 0 };
  const family = bytes.readUInt16LE(0);
  const port = bytes.readUInt16BE(2); // network byte order
  if (family === AF_INET) {
    return { family: 'ipv4', address: `${bytes[4]}.${bytes[5]}.${bytes[6]}.${bytes[7]}`, port };
  }
  if (family === AF_INET6 && bytes.length >= 24) {
    const groups: string[] = [];
    for (let i = 8; i < 24; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
    const mapped = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
    if (mapped) return { family: 'ipv4', address: `${bytes[20]}.${bytes[21]}.${bytes[22]}.${bytes[23]}`, port };
    return { family: 'ipv6', address: compressIpv6(groups), port };
  }
  return { family: 'unknown', address: '', port };
}

function compressIpv6(groups: string[]): string {
  // Replace the longest run of zero groups with "::".
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  if (best.len < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}
