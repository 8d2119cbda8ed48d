/**
 * A raw WebSocket client of /api/v1/streaming for tests that need every message
 * exactly as sent (masto filters them per subscription): collects the parsed
 * messages, and says whether the socket opened and how it closed.
 */

export interface StreamMessage {
  stream?: string[];
  event?: string;
  payload?: string;
  error?: string;
  status?: number;
}

export interface StreamSocket {
  ws: WebSocket;
  messages: StreamMessage[];
  opened: Promise<boolean>;
  /** The close code, once the server or the client closed it. */
  closed: Promise<number>;
  /** Sends a subscribe message once the socket is open. */
  /** Sends a subscribe message once the socket is open. */
  subscribe(stream: string, params?: { tag?: string; list?: string }): void;
}

export function openStreamSocket(url: string, protocols?: string[]): StreamSocket {
  const ws = new WebSocket(url, protocols);
  const messages: StreamMessage[] = [];
  ws.addEventListener("message", (e) => messages.push(JSON.parse(String(e.data))));
  const opened = new Promise<boolean>((resolve) => {
    ws.addEventListener("open", () => resolve(true));
    ws.addEventListener("error", () => resolve(false));
  });
  const closed = new Promise<number>((resolve) =>
    ws.addEventListener("close", (e) => resolve(e.code)),
  );
  return {
    ws,
    messages,
    opened,
    closed,
    subscribe: (stream, params = {}) => {
      opened.then(() => ws.send(JSON.stringify({ type: "subscribe", stream, ...params })));
    },
  };
}

/** `event:id` of each message with a status or a deletion (a notification: its status's id). */
export function eventKeys(messages: StreamMessage[]): string[] {
  return messages.flatMap((m) => {
    if (!m.event) return [];
    if (m.event === "delete") return [`delete:${m.payload}`];
    const p = JSON.parse(m.payload ?? "{}") as { id: string; status?: { id: string } };
    return [m.event === "notification" ? `notification:${p.status?.id}` : `${m.event}:${p.id}`];
  });
}
