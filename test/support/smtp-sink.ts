/**
 * A local SMTP server that keeps what it receives (smtp-server, no TLS, no
 * auth), for newsletter and mail tests. `onMessage` runs before the server
 * answers "250 accepted", so a test can act inside that window.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface SunkMessage {
  to: string;
  /** The raw message with folded headers unfolded (RFC 5322 2.2.3). */
  text: string;
  header(name: string): string | undefined;
}

export interface SmtpSink {
  url: string;
  messages: SunkMessage[];
  close(): Promise<void>;
}

export async function startSmtpSink(
  host: string,
  onMessage: (message: SunkMessage, count: number) => void = () => {},
): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        raw += chunk;
      });
      stream.on("end", () => {
        const text = raw.replace(/\r\n[ \t]+/g, " ");
        const headers = text.slice(0, text.indexOf("\r\n\r\n"));
        const message: SunkMessage = {
          to: session.envelope.rcptTo.map((r) => r.address).join(","),
          text,
          header: (name) =>
            new RegExp(`^${name}:\\s*(.*)$`, "im").exec(headers)?.[1]?.trim() ?? undefined,
        };
        messages.push(message);
        onMessage(message, messages.length);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${host}:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Quoted-printable soft breaks and escapes undone, enough to read links and text in a body. */
export const decodeQuotedPrintable = (text: string) =>
  text
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
