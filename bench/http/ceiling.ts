/**
 * The ceiling of the HTTP bench: a bare Hono app on @hono/node-server answering
 * one static WebFinger JSON document. Nothing real can answer faster on this
 * machine; every figure of the bench is printed as a ratio to it.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const port = Number(process.argv[2]);
const doc = {
  subject: "acct:m0@127.0.0.1",
  aliases: ["http://127.0.0.1/users/m0"],
  links: [
    { rel: "self", type: "application/activity+json", href: "http://127.0.0.1/users/m0" },
    {
      rel: "http://webfinger.net/rel/profile-page",
      type: "text/html",
      href: "http://127.0.0.1/@m0",
    },
  ],
};
const app = new Hono();
app.get("/.well-known/webfinger", (c) =>
  c.json(doc, 200, { "content-type": "application/jrd+json" }),
);
serve({ fetch: app.fetch, hostname: "127.0.0.1", port }, () => console.log("ready"));
