import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig, originFor, prepareDataDir } from "./config.ts";

test("defaults give a local node on SQLite under ./data", () => {
  const config = loadConfig({});
  assert.equal(config.domain, "localhost:8080");
  assert.equal(config.origin, "http://localhost:8080");
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.port, 8080);
  assert.match(config.databaseUrl, /^sqlite:.*\/data\/synco\.db$/);
  assert.equal(config.registration, "approval");
  assert.equal(config.allowPrivateAddress, false);
});

test("the origin is http only for localhost and loopback", () => {
  assert.equal(originFor("localhost:3000"), "http://localhost:3000");
  assert.equal(originFor("127.0.0.5:9000"), "http://127.0.0.5:9000");
  assert.equal(originFor("[::1]:9000"), "http://[::1]:9000");
  assert.equal(originFor("coop.example"), "https://coop.example");
  assert.equal(originFor("localhost.example.org"), "https://localhost.example.org");
});

test("each bad value names its variable in one line", () => {
  const cases: [Record<string, string>, string][] = [
    [{ SYNCO_PORT: "eighty" }, "SYNCO_PORT"],
    [{ SYNCO_PORT: "70000" }, "SYNCO_PORT"],
    [{ SYNCO_DOMAIN: "https://coop.example" }, "SYNCO_DOMAIN"],
    [{ SYNCO_HOST: "not an ip" }, "SYNCO_HOST"],
    [{ SYNCO_DATABASE_URL: "mysql://x" }, "SYNCO_DATABASE_URL"],
    [{ SYNCO_SECRET: "short" }, "SYNCO_SECRET"],
    [{ SYNCO_REGISTRATION: "sometimes" }, "SYNCO_REGISTRATION"],
    [{ SYNCO_ALLOW_PRIVATE_ADDRESS: "yes" }, "SYNCO_ALLOW_PRIVATE_ADDRESS"],
    [{ SYNCO_SMTP_URL: "mail.example:25" }, "SYNCO_SMTP_URL"],
    [{ SYNCO_MAIL_FROM: "not an address" }, "SYNCO_MAIL_FROM"],
    [{ SYNCO_METRICS_TOKEN: "short" }, "SYNCO_METRICS_TOKEN"],
    [{ SYNCO_METRICS_TOKEN: "a long token with spaces" }, "SYNCO_METRICS_TOKEN"],
  ];
  for (const [env, name] of cases) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) =>
        e instanceof ConfigError && e.message.startsWith(`${name}:`) && !e.message.includes("\n"),
      name,
    );
  }
});

test("SYNCO_METRICS_TOKEN: unset or empty is no token", () => {
  assert.equal(loadConfig({}).metricsToken, null);
  assert.equal(loadConfig({ SYNCO_METRICS_TOKEN: "" }).metricsToken, null);
  assert.equal(loadConfig({ SYNCO_METRICS_TOKEN: "t".repeat(16) }).metricsToken, "t".repeat(16));
});

test("a secret is generated into the data dir once and then reused", () => {
  const dir = mkdtempSync(join(tmpdir(), "synco-config-"));
  const first = prepareDataDir(loadConfig({ SYNCO_DATA_DIR: dir }));
  const second = prepareDataDir(loadConfig({ SYNCO_DATA_DIR: dir }));
  assert.ok(first.secret.length >= 32);
  assert.equal(second.secret, first.secret);
  assert.equal(readFileSync(join(dir, "secret"), "utf8"), first.secret);
  const given = prepareDataDir(loadConfig({ SYNCO_DATA_DIR: dir, SYNCO_SECRET: "x".repeat(40) }));
  assert.equal(given.secret, "x".repeat(40));
});

test("private addresses are reachable only when asked for", () => {
  assert.equal(loadConfig({ SYNCO_ALLOW_PRIVATE_ADDRESS: "1" }).allowPrivateAddress, true);
});

test("mail is optional: without SYNCO_SMTP_URL the node sends none", () => {
  const none = loadConfig({ SYNCO_DOMAIN: "coop.example:8443" });
  assert.equal(none.smtpUrl, null);
  assert.equal(none.mailFrom, "synco@coop.example");
  const smtp = loadConfig({
    SYNCO_SMTP_URL: "smtp://user:pass@mail.example:587",
    SYNCO_MAIL_FROM: "hola@coop.example",
  });
  assert.equal(smtp.smtpUrl, "smtp://user:pass@mail.example:587");
  assert.equal(smtp.mailFrom, "hola@coop.example");
});
