/**
 * Newsletter messages as the reader gets them: HTML and text bodies in the
 * subscriber's language, the RFC 8058 one-click unsubscribe headers, and the
 * confirm mail of the double opt-in. The post's HTML was sanitized when it was
 * written; for email it goes through the one sanitizer again with a narrower
 * list (no classes, styles or scripts), and every link and image is made
 * absolute — relative ones would point nowhere from an inbox — or dropped.
 */
import { html, raw } from "hono/html";
import { sanitizeHtml } from "../../kernel/sanitize-html.ts";
import type { DeliveryJob, OutgoingMail } from "../../media/newsletters/sender.ts";
import { htmlToText } from "../../social/content.ts";
import { isLocale, translator } from "../i18n/i18n.ts";
import { safeUrl } from "../safe-url.ts";

const ALLOWED_TAGS = [
  "p",
  "br",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "a",
  "strong",
  "b",
  "em",
  "i",
  "u",
  "s",
  "del",
  "blockquote",
  "pre",
  "code",
  "ul",
  "ol",
  "li",
  "hr",
  "img",
  "figure",
  "figcaption",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "sup",
  "sub",
  "span",
];

/** A URL as the mail can use it: absolute http(s), or null. */
function absoluteUrl(origin: string, value: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value, `${origin}/`);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function emailSafeHtml(origin: string, content: string): string {
  return sanitizeHtml(content, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ["href"], img: ["src", "alt"], th: ["colspan"], td: ["colspan"] },
    allowedSchemes: ["http", "https"],
    transformTags: {
      a: (tagName, attribs) => {
        const href = absoluteUrl(origin, attribs.href);
        const kept: Record<string, string> = href ? { href } : {};
        return { tagName, attribs: kept };
      },
      img: (tagName, attribs) => {
        const src = absoluteUrl(origin, attribs.src);
        const kept: Record<string, string> = src ? { src, alt: attribs.alt ?? "" } : {};
        return { tagName, attribs: kept };
      },
    },
    // An image without a source is nothing to show.
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
  });
}

export function newsletterComposer(coopName: () => string, origin: string) {
  return (job: DeliveryJob): Omit<OutgoingMail, "messageId" | "to"> => {
    const t = translator(isLocale(job.to.language) ? job.to.language : "en");
    const title = job.post.title || htmlToText(job.post.contentHtml).slice(0, 80);
    const footer = t("feeds.mail.footer", { name: job.list.name, coop: coopName() });
    const content = emailSafeHtml(origin, job.post.contentHtml);
    const body = html`<!doctype html>
<html lang="${job.to.language}"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>${title}</title></head>
<body style="margin:0;padding:0;background:#f6f5f2">
<div style="max-width:640px;margin:0 auto;padding:24px 20px;background:#ffffff;font-family:Georgia,serif;font-size:18px;line-height:1.6;color:#1d1d1b">
<p style="font-family:sans-serif;font-size:14px;color:#5b5b57;margin:0 0 8px">${job.list.name}</p>
<h1 style="font-size:28px;line-height:1.25;margin:0 0 8px">${title}</h1>
${job.post.summary ? html`<p style="font-size:20px;color:#3c3c39;margin:0 0 16px">${job.post.summary}</p>` : ""}
<p style="font-family:sans-serif;font-size:14px;color:#5b5b57">${job.post.authorName} · <a href="${safeUrl(job.post.url)}">${t("feeds.mail.readOnline")}</a></p>
<div>${raw(content)}</div>
<hr style="border:0;border-top:1px solid #dddad2;margin:32px 0 16px" />
<p style="font-family:sans-serif;font-size:13px;color:#5b5b57">${footer} <a href="${safeUrl(job.unsubscribeUrl)}">${t("feeds.mail.unsubscribe")}</a></p>
</div></body></html>`;
    const text = [
      title,
      job.post.summary,
      `${job.post.authorName} · ${t("feeds.mail.readOnline")}: ${job.post.url}`,
      htmlToText(content),
      "--",
      footer,
      `${t("feeds.mail.unsubscribe")}: ${job.unsubscribeUrl}`,
    ]
      .filter(Boolean)
      .join("\n\n");
    return {
      subject: title,
      html: String(body),
      text,
      headers: {
        // RFC 2369 and RFC 8058: mail clients show "Unsubscribe" and POST to it in one click.
        "List-Unsubscribe": `<${job.unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": `<${job.list.kind}.${job.list.id}.${new URL(origin).hostname}>`,
      },
    };
  };
}
