/** OAuth 2 and accounts through masto (a real Mastodon client library), on a real node. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createOAuthAPIClient, createRestAPIClient } from "masto";
import { deleteAccount, exportAccount } from "../src/accounts/data.ts";
import { apiContributor } from "../src/api/account-data.ts";
import {
  authorize,
  json,
  memberClient,
  pkce,
  REDIRECT,
  registerApp,
  statusOf,
} from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode({ host: "127.0.30.1" });
});
after(() => node.close());

describe("OAuth", () => {
  it("registers an app, authorizes with PKCE and verifies credentials", async () => {
    const { client } = await memberClient(node, "ada");
    const me = await client.v1.accounts.verifyCredentials();
    assert.equal(me.username, "ada");
    assert.equal(me.acct, "ada");
    assert.equal(me.url, `${node.url}/@ada`);
    assert.equal(typeof me.source?.note, "string");
    const app = await client.v1.apps.verifyCredentials();
    assert.equal(app.name, "Test app");
  });

  it("refuses a wrong code verifier and a used code", async () => {
    await memberClient(node, "bea");
    const app = await registerApp(node);
    const { challenge, verifier } = pkce();
    const code = await authorize(
      node,
      { username: "bea", password: "correct horse battery" },
      app,
      { challenge },
    );
    const body = (v: string) =>
      new URLSearchParams({
        grant_type: "authorization_code",
        client_id: app.clientId ?? "",
        client_secret: app.clientSecret ?? "",
        redirect_uri: REDIRECT,
        code,
        code_verifier: v,
      });
    const wrong = await fetch(`${node.url}/oauth/token`, { method: "POST", body: body("nope") });
    assert.equal(wrong.status, 400);
    assert.equal((await json(wrong)).error, "invalid_grant");
    // The code was used up by the failed attempt.
    const again = await fetch(`${node.url}/oauth/token`, { method: "POST", body: body(verifier) });
    assert.equal(again.status, 400);
  });

  it("client_credentials, refresh_token and revoke", async () => {
    const app = await registerApp(node);
    const oauth = createOAuthAPIClient({ url: node.url });
    const appToken = await oauth.token.create({
      grantType: "client_credentials",
      clientId: app.clientId ?? "",
      clientSecret: app.clientSecret ?? "",
      redirectUri: REDIRECT,
      scope: "read write",
    });
    const appClient = createRestAPIClient({ url: node.url, accessToken: appToken.accessToken });
    assert.equal((await appClient.v1.apps.verifyCredentials()).name, "Test app");
    const noUser = await fetch(`${node.url}/api/v1/accounts/verify_credentials`, {
      headers: { authorization: `Bearer ${appToken.accessToken}` },
    });
    assert.equal(noUser.status, 422);

    const { verifier, challenge } = pkce();
    await memberClient(node, "cy");
    const code = await authorize(node, { username: "cy", password: "correct horse battery" }, app, {
      challenge,
    });
    const res = await fetch(`${node.url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: app.clientId ?? "",
        redirect_uri: REDIRECT,
        code,
        code_verifier: verifier,
      }),
    });
    assert.equal(res.status, 200, "a public client proves itself with PKCE alone");
    const first = await json(res);
    assert.equal(first.token_type, "Bearer");
    assert.ok(first.refresh_token);
    const refreshed = await json(
      await fetch(`${node.url}/oauth/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "refresh_token",
          client_id: app.clientId ?? "",
          client_secret: app.clientSecret ?? "",
          refresh_token: first.refresh_token,
        }),
      }),
    );
    assert.ok(refreshed.access_token);
    const old = await fetch(`${node.url}/api/v1/accounts/verify_credentials`, {
      headers: { authorization: `Bearer ${first.access_token}` },
    });
    assert.equal(old.status, 401, "the refreshed-away token no longer works");
    const cy = createRestAPIClient({ url: node.url, accessToken: refreshed.access_token });
    assert.equal((await cy.v1.accounts.verifyCredentials()).username, "cy");
    await oauth.revoke({
      clientId: app.clientId ?? "",
      clientSecret: app.clientSecret ?? "",
      token: refreshed.access_token,
    });
    await assert.rejects(cy.v1.accounts.verifyCredentials(), (e) => statusOf(e) === 401);
  });

  it("a token without a scope gets 403", async () => {
    const app = await registerApp(node, "read");
    const { verifier, challenge } = pkce();
    await memberClient(node, "dee");
    const code = await authorize(
      node,
      { username: "dee", password: "correct horse battery" },
      app,
      { challenge, scope: "read" },
    );
    const token = await json(
      await fetch(`${node.url}/oauth/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "authorization_code",
          client_id: app.clientId ?? "",
          client_secret: app.clientSecret ?? "",
          redirect_uri: REDIRECT,
          code,
          code_verifier: verifier,
        }),
      }),
    );
    const res = await fetch(`${node.url}/api/v1/statuses`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token.access_token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ status: "hi" }),
    });
    assert.equal(res.status, 403);
    assert.match((await json(res)).error ?? "", /scope/);
  });

  it("the export lists authorized apps and lists; deleting the account revokes its tokens", async () => {
    const { client, token, id } = await memberClient(node, "eve");
    await client.v1.lists.create({ title: "Neighbours" });
    const archive = await exportAccount(node.node.db.db, id, [apiContributor]);
    const section = archive.api as {
      authorizedApps: { name: string }[];
      lists: { title: string }[];
    };
    assert.deepEqual(
      section.authorizedApps.map((a) => a.name),
      ["Test app"],
    );
    assert.deepEqual(
      section.lists.map((l) => l.title),
      ["Neighbours"],
    );
    assert.ok(!JSON.stringify(archive).includes(token), "no token in the export");
    const deleted = await deleteAccount(node.node.db.db, id, {
      contributors: [apiContributor],
      dataDir: node.node.config.dataDir,
    });
    assert.ok(deleted.ok);
    const live = await node.node.db.db
      .selectFrom("oauth_tokens")
      .select("id")
      .where("account_id", "=", id)
      .where("revoked_at", "is", null)
      .execute();
    assert.equal(live.length, 0);
    const lists = await node.node.db.db
      .selectFrom("lists")
      .select("id")
      .where("account_id", "=", id)
      .execute();
    assert.equal(lists.length, 0);
  });
});
