// The classroom board's web server (fastify): the instructor's page, its live feed of rows
// (server-sent events), and the join URL learners' machines post their check reports to.
//
//   GET  /?view=KEY         the page (read-only; the key keeps the room's rows to the instructor)
//   GET  /events?view=KEY   the rows, then each changed row, as server-sent events
//   GET  /join/CODE         how to join, for a learner who opens the link in a browser
//   POST /join/CODE         a learner's report: 403 with a wrong code (and never shown),
//                           413 over the size cap, 400 when malformed, 429 over the rate
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { packageRoot } from '../native/addon.js';
import { boardPayloadSchema, PAYLOAD_LIMIT, type BoardPayload } from './payload.js';
import { Roster, type LearnerRow } from './roster.js';
import { EventFeed } from './eventFeed.js';

export const pageDir = path.join(packageRoot, 'src', 'board', 'page');

export interface BoardOptions {
  host?: string;
  port?: number;
  /** The class code in the join URL (default: random). */
  classCode?: string;
  /** The key in the page's URL (default: random). */
  viewKey?: string;
  maxLearners?: number;
  /** Reports one learner may send per window; more get 429. */
  rate?: { max: number; windowMs: number };
  /** Called for every report accepted (the command's --json log). */
  onReport?: (row: LearnerRow) => void;
}

export interface RunningBoard {
  app: FastifyInstance;
  roster: Roster;
  host: string;
  port: number;
  classCode: string;
  viewKey: string;
  close(): Promise<void>;
}

/** Eight characters a projector shows unambiguously (no 0/O, 1/I/L). */
export function newClassCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  return [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Compared in constant time. The class code is read off a projector: its case does not matter. */
function sameSecret(given: unknown, expected: string, anyCase = false): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(anyCase ? given.toUpperCase() : given);
  const b = Buffer.from(anyCase ? expected.toUpperCase() : expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer', // the page's URL carries the view key
  'x-frame-options': 'DENY',
};

function staticFile(name: string, type: string) {
  const body = readFileSync(path.join(pageDir, name));
  return (_request: FastifyRequest, reply: FastifyReply) => reply.headers(SECURITY_HEADERS).type(type).send(body);
}

export async function startBoard(options: BoardOptions = {}): Promise<RunningBoard> {
  const classCode = options.classCode ?? newClassCode();
  const viewKey = options.viewKey ?? randomBytes(12).toString('base64url');
  const roster = new Roster(options.maxLearners);
  const feed = new EventFeed(() => roster.list());
  const rate = options.rate ?? { max: 20, windowMs: 20_000 };

  const app = Fastify({ logger: false, bodyLimit: PAYLOAD_LIMIT, forceCloseConnections: true });
  await app.register(rateLimit, { global: false, hook: 'preHandler', cache: 2000 });

  const page = readFileSync(path.join(pageDir, 'index.html'));
  app.get('/', (request, reply) => {
    if (!sameSecret((request.query as Record<string, unknown>).view, viewKey)) {
      return reply.code(403).type('text/plain').send('This board\'s page opens from the link `ebpf-workshop board` printed (it carries a view key).\n');
    }
    return reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(page);
  });
  app.get('/board.js', staticFile('board.js', 'text/javascript; charset=utf-8'));
  app.get('/board.css', staticFile('board.css', 'text/css; charset=utf-8'));
  app.get('/events', (request, reply) => {
    if (!sameSecret((request.query as Record<string, unknown>).view, viewKey)) return reply.code(403).send();
    reply.hijack();
    feed.attach(reply.raw);
  });

  const checkCode = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!sameSecret((request.params as { code?: string }).code, classCode, true)) {
      await reply.code(403).type('text/plain').send('wrong class code: ask your instructor for the board\'s join link\n');
    }
  };
  app.get('/join/:code', { onRequest: checkCode }, (request, reply) => {
    const url = `${request.protocol}://${request.host}${request.url}`;
    return reply
      .headers(SECURITY_HEADERS)
      .type('text/plain; charset=utf-8')
      .send(`This is your class's board. Join it from your terminal:\n\n  sudo npx ebpf-workshop start --board ${url} --name "Your Name"\n\nor for one check:\n\n  sudo npx ebpf-workshop check --report ${url} --name "Your Name"\n`);
  });
  app.post(
    '/join/:code',
    {
      onRequest: checkCode,
      preValidation: async (request, reply) => {
        const parsed = boardPayloadSchema.safeParse(request.body);
        if (!parsed.success) return reply.code(400).send({ error: 'not a check report', detail: parsed.error.issues.slice(0, 3) });
        request.body = parsed.data;
      },
      config: {
        rateLimit: { max: rate.max, timeWindow: rate.windowMs, keyGenerator: (request: FastifyRequest) => `learner:${(request.body as BoardPayload).name}` },
      },
    },
    (request, reply) => {
      const added = roster.add(request.body as BoardPayload);
      if (!added.ok) return reply.code(503).send({ error: 'the board is full: it keeps at most its first learners' });
      feed.publish(added.row);
      options.onReport?.(added.row);
      return reply.code(204).send();
    },
  );

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 7373 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 7373);
  return {
    app,
    roster,
    host: options.host ?? '127.0.0.1',
    port,
    classCode,
    viewKey,
    close: async () => {
      feed.close();
      await app.close();
    },
  };
}
