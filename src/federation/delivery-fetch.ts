/**
 * Outgoing deliveries (POSTs of activities to inboxes) over node:http instead of
 * the built-in fetch. The built-in fetch (undici) keeps a connection pool per
 * origin, about 130 KB each, held for seconds after use: one activity fanned out
 * to 1,000 servers grew the worker by ~130 MB (bench/federation.bench.ts). Here
 * each delivery opens a connection and closes it, so memory follows the number
 * of deliveries in flight, not the number of servers. Fedify calls the global
 * fetch, so the worker installs this in front of it; every other request (GETs,
 * WebFinger, non-activity POSTs) still goes to the built-in fetch.
 *
 * Fedify sets no User-Agent on deliveries (its loaders set one on GETs), and
 * GoToSocial answers 418 to a request without one, so one is added here.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { SOFTWARE_VERSION, userAgent } from "../kernel/version.ts";
import { recordDelivery } from "./delivery-stats.ts";

const TIMEOUT_MS = 30_000;
const MAX_ANSWER_BYTES = 64 * 1024;

function isDelivery(request: Request): boolean {
  return (
    request.method === "POST" &&
    /^application\/(activity\+json|ld\+json)/.test(request.headers.get("content-type") ?? "")
  );
}

/**
 * The sending node's User-Agent. Several nodes may share one process (tests), and
 * the delivery comes from Fedify's queue with nothing but its headers, so the
 * origin is the one of the key that signed it: draft-cavage `Signature: keyId="…"`
 * or RFC 9421 `Signature-Input: …;keyid="…"`.
 */
export function deliveryUserAgent(headers: Headers): string {
  const origin = signingOrigin(headers);
  return origin ? userAgent(origin) : `Synco/${SOFTWARE_VERSION}`;
}

function signingOrigin(headers: Headers): string | undefined {
  const signature = `${headers.get("signature") ?? ""} ${headers.get("signature-input") ?? ""}`;
  const keyId = /keyid="([^"]+)"/i.exec(signature)?.[1];
  return keyId && URL.canParse(keyId) ? new URL(keyId).origin : undefined;
}

/** Delivers, and tallies the outcome for the sending node's federation page. */
async function deliverAndRecord(request: Request): Promise<Response> {
  const origin = signingOrigin(request.headers) ?? "";
  const host = new URL(request.url).host;
  try {
    const response = await deliver(request);
    recordDelivery(origin, host, { status: response.status });
    return response;
  } catch (error) {
    recordDelivery(origin, host, { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

async function deliver(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const body = Buffer.from(await request.arrayBuffer());
  const headers: Record<string, string> = { connection: "close" };
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers["user-agent"] ??= deliveryUserAgent(request.headers);
  headers["content-length"] = String(body.length);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, { method: "POST", headers, agent: false, timeout: TIMEOUT_MS }, resolve);
    req.on("timeout", () => req.destroy(new Error(`Delivery to ${url.href} timed out`)));
    req.on("error", reject);
    request.signal?.addEventListener("abort", () => req.destroy(new Error("aborted")), {
      once: true,
    });
    req.end(body);
  });
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
    else if (value !== undefined) responseHeaders.set(name, value);
  }
  // Read the (small) answer at once and let the connection go: Fedify reads the body only
  // of failed deliveries, and an unread body would keep its socket and buffers alive.
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
    size += chunk.length;
  }
  const status = res.statusCode ?? 502;
  const empty = status === 204 || status === 304 || (status >= 100 && status < 200);
  return new Response(empty ? null : Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES), {
    status,
    statusText: res.statusMessage ?? "",
    headers: responseHeaders,
  });
}

let installed = false;

/** Routes activity POSTs made through the global fetch to node:http (once per process). */
export function installDeliveryFetch(): void {
  if (installed) return;
  installed = true;
  const builtin = globalThis.fetch;
  globalThis.fetch = (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request && !init ? input : new Request(input, init);
    return isDelivery(request) ? deliverAndRecord(request) : builtin(request);
  };
}
