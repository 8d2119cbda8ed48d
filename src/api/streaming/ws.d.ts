/** The part of the `ws` package's API the streaming hub uses (the package ships no types). */
declare module "ws" {
  import type { IncomingMessage } from "node:http";
  import type { Duplex } from "node:stream";

  export class WebSocket {
    readonly OPEN: number;
    readonly readyState: number;
    /** Bytes queued by send() and not yet written to the socket. */
    readonly bufferedAmount: number;
    send(data: string): void;
    terminate(): void;
    close(code?: number, reason?: string): void;
    ping(): void;
    on(event: "pong", listener: () => void): this;
    on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): this;
    on(event: "close", listener: () => void): this;
    on(event: "error", listener: (error: Error) => void): this;
  }

  export class WebSocketServer {
    /** maxPayload: the largest message accepted, in bytes (ws's default is 100 MiB). */
    constructor(options: { noServer: true; maxPayload?: number });
    handleUpgrade(
      req: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      callback: (ws: WebSocket) => void,
    ): void;
    close(): void;
  }
}
