/** The part of the `ws` package's API the streaming hub uses (the package ships no types). */
declare module "ws" {
  import type { IncomingMessage } from "node:http";
  import type { Duplex } from "node:stream";

  export class WebSocket {
    readonly OPEN: number;
    readonly readyState: number;
    send(data: string): void;
    terminate(): void;
    close(code?: number, reason?: string): void;
    on(event: "message", listener: (data: Buffer | string) => void): this;
    on(event: "close", listener: () => void): this;
  }

  export class WebSocketServer {
    constructor(options: { noServer: true });
    handleUpgrade(
      req: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      callback: (ws: WebSocket) => void,
    ): void;
    close(): void;
  }
}
