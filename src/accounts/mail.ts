/**
 * Outgoing mail (optional). Without SYNCO_SMTP_URL the node works without it:
 * addresses are not verified and password resets go through admin-issued links.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** A mailer over SMTP; nodemailer is loaded only when mail is configured. */
export async function smtpMailer(url: string, from: string): Promise<Mailer> {
  const nodemailer = (await import("nodemailer")).default;
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
  };
}
