/**
 * Newsletter mail over the node's SMTP setting (SYNCO_SMTP_URL). nodemailer is
 * loaded only when mail is configured. One connection is kept and reused
 * (pool of 1): a send of thousands does not open thousands of connections.
 */
import type { MailTransport } from "./sender.ts";

export async function smtpTransport(url: string, from: string): Promise<MailTransport> {
  const nodemailer = (await import("nodemailer")).default;
  const transport = nodemailer.createTransport(url, { pool: true, maxConnections: 1 } as object);
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
  };
}
