/**
 * A fake remote server for inbound federation tests: one actor with an RSA key,
 * answering its actor document and recording every POST that reaches it, and
 * requests signed as that actor (draft-cavage, as Mastodon signs).
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest } from "@fedify/fedify";

export interface RemoteActor {
  /** The server's origin, e.g. http://127.0.2.9:41234 */
  url: string;
  /** The actor's id: `${url}/users/${username}` */
  id: string;
  keys: { publicKey: KeyObject; privateKey: KeyObject };
  /** What was POSTed to any of its inboxes, in order. */
  delivered: { path: string; body: Record<string, unknown> }[];
  /** More documents it serves (outbox, featured, notes), by path; JSON-LD bodies. */
  documents: Map<string, unknown>;
  /** The status its inboxes answer POSTs with (202 unless a test sets another). */
  inboxStatus: number;
  /** The paths of every GET that reached it, in order. */
  fetched: string[];
  /** A POST of `activity` to `target`, signed with the actor's key (or `key`, to forge). */
  signed(target: string, activity: object, key?: KeyObject): Promise<Request>;
  close(): void;
}

/** `document`: fields added to (or replacing those of) the actor document, e.g. a hostile `url`. */
export async function startRemoteActor(
  host: string,
  username: string,
  document: Record<string, unknown> = {},
): Promise<RemoteActor> {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const delivered: RemoteActor["delivered"] = [];
  const remote = { documents: new Map(), inboxStatus: 202, fetched: [] } as unknown as RemoteActor;
  let id = "";
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      if (req.method === "POST") {
        delivered.push({ path: req.url ?? "", body: JSON.parse(body) });
        return res.writeHead(remote.inboxStatus).end();
      }
      remote.fetched.push(req.url ?? "");
      const extra = remote.documents.get(req.url ?? "");
      if (extra !== undefined) {
        res.writeHead(200, { "content-type": "application/activity+json" });
        return res.end(JSON.stringify(extra));
      }
      if (req.url !== new URL(id).pathname) return res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/activity+json" });
      res.end(
        JSON.stringify({
          "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
          id,
          type: "Person",
          preferredUsername: username,
          inbox: `${id}/inbox`,
          followers: `${id}/followers`,
          endpoints: { sharedInbox: `${new URL(id).origin}/inbox` },
          publicKey: {
            id: `${id}#main-key`,
            owner: id,
            publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }),
          },
          ...document,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  id = `${url}/users/${username}`;
  const parts: Omit<RemoteActor, "documents" | "inboxStatus" | "fetched"> = {
    url,
    id,
    keys,
    delivered,
    async signed(target, activity, key = keys.privateKey) {
      const privateKey = await crypto.subtle.importKey(
        "pkcs8",
        key.export({ type: "pkcs8", format: "der" }),
        { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        true,
        ["sign"],
      );
      return signRequest(
        new Request(target, {
          method: "POST",
          headers: { "content-type": "application/activity+json" },
          body: JSON.stringify(activity),
        }),
        privateKey,
        new URL(`${id}#main-key`),
        { spec: "draft-cavage-http-signatures-12" },
      );
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
  return Object.assign(remote, parts);
}
