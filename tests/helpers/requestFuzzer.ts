// A seeded generator of malformed HTTP requests for the demo server: the same seed gives the
// same cases, so a failure names its seed and case number and can be replayed.

/** mulberry32: small, fast and good enough to pick mutations. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzCase {
  /** The bytes, in the pieces they are written in (each its own write). */
  pieces: Buffer[];
  /** What was done to the base request, for the failure message. */
  recipe: string[];
}

const BODIES = ['{"size": 5}', '{"size": 0}', '{"size": -0}', '{"size": 1e3}', '[', '{"size": "', '"\\u12', '{"a": [1, {"b": null}], "size": 3}'];

const BASES = [
  (body: string) => `POST /customResponse HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  (body: string) => `POST /customResponse HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  (body: string) => `POST /customResponse?x=1 HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  () => 'GET /customResponse HTTP/1.1\r\nHost: x\r\n\r\n',
  (body: string) => `POST /customResponse HTTP/1.1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}POST /customResponse HTTP/1.1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
];

// Bytes that break parsers: NUL, CR, LF, tab, ESC, DEL, C1 controls, 0xff, and the separators.
const NASTY = [0x00, 0x0d, 0x0a, 0x09, 0x1b, 0x7f, 0x80, 0x9b, 0x9f, 0xff, 0x3a, 0x20, 0x22, 0x5c, 0x7b, 0x5b];

export function fuzzCase(random: () => number): FuzzCase {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (n: number) => Math.floor(random() * n);
  const recipe: string[] = [];
  let body = pick(BODIES);
  if (random() < 0.15) {
    const depth = 1 + int(200);
    body = '['.repeat(depth) + (random() < 0.5 ? ']'.repeat(depth) : '');
    recipe.push(`nested ${depth}`);
  }
  let bytes = Buffer.from(pick(BASES)(body), 'latin1');

  const mutations = 1 + int(4);
  for (let m = 0; m < mutations; m++) {
    const at = int(bytes.length + 1);
    switch (int(8)) {
      case 0: {
        const byte = random() < 0.8 ? pick(NASTY) : int(256);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
        recipe.push(`insert 0x${byte.toString(16)} at ${at}`);
        break;
      }
      case 1: {
        if (at < bytes.length) bytes[at] = random() < 0.8 ? pick(NASTY) : int(256);
        recipe.push(`replace at ${at}`);
        break;
      }
      case 2: {
        const length = int(16);
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + length)]);
        recipe.push(`delete ${length} at ${at}`);
        break;
      }
      case 3: {
        bytes = bytes.subarray(0, at);
        recipe.push(`truncate to ${at}`);
        break;
      }
      case 4: {
        const run = Buffer.alloc(1 + int(random() < 0.2 ? 80_000 : 3000), pick([0x41, 0x3a, 0x20, 0x2f, 0x00, 0x0d]));
        bytes = Buffer.concat([bytes.subarray(0, at), run, bytes.subarray(at)]);
        recipe.push(`run of ${run.length} 0x${run[0].toString(16)} at ${at}`);
        break;
      }
      case 5: {
        const value = pick(['0', '1', '-1', '18446744073709551616', '999999999999', '1048577', '', ' 5', '5 5', '0x10']);
        const header = Buffer.from(`Content-Length: ${value}\r\n`, 'latin1');
        const lineStart = bytes.indexOf('\r\n');
        const where = lineStart < 0 ? at : lineStart + 2;
        bytes = Buffer.concat([bytes.subarray(0, where), header, bytes.subarray(where)]);
        recipe.push(`Content-Length: ${value}`);
        break;
      }
      case 6: {
        const header = pick(['Transfer-Encoding: chunked', 'Connection: close', 'Connection: , ,keep-alive,', 'Expect: 100-continue', ':', 'X:', 'Host', 'X-\u00ff: \u00ff']);
        const lineStart = bytes.indexOf('\r\n');
        const where = lineStart < 0 ? at : lineStart + 2;
        bytes = Buffer.concat([bytes.subarray(0, where), Buffer.from(`${header}\r\n`, 'latin1'), bytes.subarray(where)]);
        recipe.push(`header ${JSON.stringify(header)}`);
        break;
      }
      default: {
        const start = int(bytes.length);
        const copy = bytes.subarray(start, start + int(64));
        bytes = Buffer.concat([bytes.subarray(0, at), copy, bytes.subarray(at)]);
        recipe.push(`duplicate ${copy.length} at ${at}`);
      }
    }
  }

  // Split in up to three writes, so some requests arrive over several reads.
  const cuts = [...new Set(Array.from({ length: int(3) }, () => int(bytes.length)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    if (cut > from) pieces.push(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  pieces.push(bytes.subarray(from));
  return { pieces, recipe };
}
