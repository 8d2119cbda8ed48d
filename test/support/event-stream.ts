/**
 * A plain EventSource-style client for tests (Node 24 has no global EventSource):
 * fetch, then read text/event-stream as the HTML standard parses it — `event:`
 * and `data:` fields, a blank line ends an event, lines starting with ":" are
 * comments. Collects the events; `close()` aborts the request.
 */

export interface ServerSentEvent {
  event: string;
  data: string;
}

export interface EventStreamClient {
  status: number;
  contentType: string | null;
  /** The JSON body of a refused request. */
  error: string | null;
  events: ServerSentEvent[];
  comments: string[];
  /** Resolves when the server ends the stream (or the request is aborted). */
  ended: Promise<void>;
  close(): void;
}

export async function openEventStream(
  url: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<EventStreamClient> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: abort.signal,
  });
  const client: EventStreamClient = {
    status: res.status,
    contentType: res.headers.get("content-type"),
    error: null,
    events: [],
    comments: [],
    ended: Promise.resolve(),
    close: () => abort.abort(),
  };
  if (!res.ok || !res.body) {
    client.error = ((await res.json()) as { error?: string }).error ?? null;
    return client;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  client.ended = (async () => {
    let buffer = "";
    let event = { event: "message", data: [] as string[] };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, "");
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf("\n");
          if (line === "") {
            if (event.data.length > 0)
              client.events.push({ event: event.event, data: event.data.join("\n") });
            event = { event: "message", data: [] };
          } else if (line.startsWith(":")) client.comments.push(line.slice(1));
          else {
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") event.event = value;
            else if (field === "data") event.data.push(value);
          }
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return client;
}
