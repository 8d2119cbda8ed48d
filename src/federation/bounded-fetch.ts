/**
 * Every document we fetch from another server is bounded in size and time. Fedify's
 * loaders (actors, keys, objects, collections, WebFinger) read whole bodies with
 * `response.json()`: a 60 MB key document stalled a node for 15 s and grew it to
 * 724 MB. They all call the global fetch, so it is wrapped once per process: a GET
 * that asks for JSON (or for nothing in particular, as Fedify's follow-up fetch of
 * an HTML page's alternate link does) gets a deadline, and its body is counted as it
 * streams and cut off past the limit, before anything is parsed. Other requests
 * (deliveries, event streams, a browser-like fetch) pass untouched.
 */

/** A remote JSON document larger than this is refused (Mastodon reads at most 1 MiB too). */
export const MAX_REMOTE_DOCUMENT_BYTES = 1024 * 1024;
/** A remote document that has not fully arrived after this long is abandoned. */
export const REMOTE_FETCH_TIMEOUT_MS = 15_000;

export class RemoteDocumentTooLarge extends Error {
  readonly url: string;
  readonly limit: number;
  constructor(url: string, limit: number) {
    super(`The document at ${url} is larger than ${limit} bytes`);
    this.name = "RemoteDocumentTooLarge";
    this.url = url;
    this.limit = limit;
  }
}

function isDocumentFetch(request: Request): boolean {
  if (request.method !== "GET") return false;
  const accept = request.headers.get("accept");
  return accept === null || /json/i.test(accept);
}

/** The same response, with a body that errors once more than `limit` bytes have come. */
export function boundedResponse(response: Response, url: string, limit: number): Response {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    response.body?.cancel().catch(() => undefined);
    throw new RemoteDocumentTooLarge(url, limit);
  }
  if (!response.body) return response;
  let seen = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(new RemoteDocumentTooLarge(url, limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  const bounded = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // Fedify resolves relative redirects and document URLs against response.url.
  Object.defineProperty(bounded, "url", { value: response.url });
  return bounded;
}

let installed = false;

export function installBoundedFetch(
  limit = MAX_REMOTE_DOCUMENT_BYTES,
  timeoutMs = REMOTE_FETCH_TIMEOUT_MS,
): void {
  if (installed) return;
  installed = true;
  const inner = globalThis.fetch;
  globalThis.fetch = async (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request && !init ? input : new Request(input, init);
    if (!isDocumentFetch(request)) return inner(request);
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
    const response = await inner(new Request(request, { signal }));
    return boundedResponse(response, request.url, limit);
  };
}
