/**
 * A receiving server's inbox for delivery tests that counts exactly what it took:
 * an activity counts as delivered when the inbox finished its answer (202), never
 * when a sender's connection died before that. Closing the gate holds every new
 * POST open, so a test can see how many deliveries are in flight at once, kill a
 * sender while they are, and see its connections drop. A held answer is started and
 * trickles a space every few seconds: a sender gives up on a silent connection
 * after 30 s (delivery-fetch.ts), not on one whose answer is still coming.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface InboxPost {
  id: string;
  type: string;
  /** The object's id (a Create's post), or the object itself when it is a string. */
  object: string;
}

export interface GatedInbox {
  url: string;
  /** Activities answered 202, in order (a repeat shows here twice). */
  answered: InboxPost[];
  /** POSTs held open now, waiting for the gate. */
  readonly held: number;
  /** POSTs whose sender hung up while held (its process died). */
  aborted: InboxPost[];
  /** From now on, new POSTs wait without an answer. */
  hold(): void;
  /** Answers every held POST and lets new ones through at once. */
  release(): void;
  close(): Promise<void>;
}

function parse(body: string): InboxPost | undefined {
  try {
    const activity = JSON.parse(body) as { id?: unknown; type?: unknown; object?: unknown };
    const object = activity.object as { id?: unknown } | string | undefined;
    return {
      id: String(activity.id),
      type: String(activity.type),
      object: typeof object === "string" ? object : String(object?.id),
    };
  } catch {
    return undefined;
  }
}

export async function startGatedInbox(host: string): Promise<GatedInbox> {
  let open = true;
  const waiting = new Map<ServerResponse, { post: InboxPost; trickle: NodeJS.Timeout }>();
  const answered: InboxPost[] = [];
  const aborted: InboxPost[] = [];
  const answer = (res: ServerResponse, post: InboxPost) => {
    answered.push(post);
    if (!res.headersSent) res.writeHead(202);
    res.end();
  };
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      const post = req.method === "POST" ? parse(body) : undefined;
      if (!post) return res.writeHead(req.method === "POST" ? 400 : 404).end();
      if (open) return answer(res, post);
      res.writeHead(202, { "content-type": "text/plain" });
      res.flushHeaders();
      const trickle = setInterval(() => res.write(" "), 5_000);
      waiting.set(res, { post, trickle });
      req.socket.once("close", () => {
        clearInterval(trickle);
        if (!waiting.delete(res)) return;
        aborted.push(post);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    answered,
    aborted,
    get held() {
      return waiting.size;
    },
    hold() {
      open = false;
    },
    release() {
      open = true;
      for (const [res, { post, trickle }] of waiting) {
        clearInterval(trickle);
        answer(res, post);
      }
      waiting.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const { trickle } of waiting.values()) clearInterval(trickle);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
