/**
 * A hostile API on 127.0.0.1 for the resilience tests: it stands in front of the emulator and,
 * for the paths a play matches, answers as a careless or malicious server would (page tokens that
 * never end, redirects, bodies of the wrong shape, escape sequences in names, hangs, gzip bombs);
 * everything else is passed through to the emulator. It is bounded: past `maxRequests` every
 * request is answered 400 (so a client that loops is stopped and the test fails instead of hanging),
 * and close() drops every socket, hung ones included.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface Upstream {
  status: number;
  json: Record<string, unknown>;
}

export interface Play {
  /** Matched against the request path (no query). */
  match: RegExp;
  /** Answers the request; `upstream` fetches the emulator's own answer. */
  answer(req: http.IncomingMessage, res: http.ServerResponse, upstream: () => Promise<Upstream>): void | Promise<void>;
}

export interface HostileServer {
  url: string;
  requests: { method: string; path: string; query: string; played: boolean }[];
  close(): Promise<void>;
}

const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

export async function startHostile(upstreamUrl: string, plays: Play[], maxRequests = 2_000): Promise<HostileServer> {
  const requests: HostileServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const [path, query = ''] = (req.url ?? '/').split('?');
    const play = plays.find((p) => p.match.test(path));
    requests.push({ method: req.method ?? '', path, query, played: !!play });
    if (requests.length > maxRequests) return send(res, 400, { error: { code: 400, message: 'hostile server: request cap reached' } });
    const upstream = async (): Promise<Upstream> => {
      // The page tokens a play makes up mean nothing to the emulator: it serves its first page.
      const url = new URL(req.url ?? '/', upstreamUrl);
      url.searchParams.delete('pageToken');
      const r = await fetch(url);
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };
    const run = async () => {
      if (!play) {
        const u = await upstream();
        return send(res, u.status, u.json);
      }
      await play.answer(req, res, upstream);
    };
    run().catch((e: unknown) => send(res, 500, { error: { code: 500, message: String(e) } }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The emulator's answer with the same page token every time: a list that never ends. */
export const repeatedToken = (match: RegExp): Play => ({
  match,
  async answer(_req, res, upstream) {
    const u = await upstream();
    send(res, u.status, { ...u.json, nextPageToken: 'again' });
  },
});

/** A new page token on every answer: a list that never ends without repeating itself. */
export const endlessTokens = (match: RegExp): Play => {
  let n = 0;
  return {
    match,
    async answer(_req, res, upstream) {
      const u = await upstream();
      send(res, u.status, { ...u.json, nextPageToken: `t${++n}` });
    },
  };
};

export const redirect = (match: RegExp, location: string, status = 302): Play => ({
  match,
  answer(_req, res) {
    res.writeHead(status, { location, 'content-type': 'application/json' });
    res.end('{}');
  },
});

export const fixed = (match: RegExp, body: unknown, status = 200): Play => ({ match, answer: (_req, res) => send(res, status, body) });

/** The emulator's answer, changed by `edit`. */
export const rewrite = (match: RegExp, edit: (json: Record<string, unknown>) => Record<string, unknown>): Play => ({
  match,
  async answer(_req, res, upstream) {
    const u = await upstream();
    send(res, u.status, edit(u.json));
  },
});

/** Never answers (close() drops the socket). */
export const hang = (match: RegExp): Play => ({ match, answer: () => undefined });

/** A small gzip body that inflates to `bytes` of valid JSON. */
export const gzipBomb = (match: RegExp, bytes: number): Play => {
  const body = gzipSync(Buffer.from(`{"items":[]${' '.repeat(bytes)}}`));
  return {
    match,
    answer(_req, res) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) });
      res.end(body);
    },
  };
};
