/**
 * A real GoToSocial for interop tests, from a binary built outside the repo
 * (README: "Interop with GoToSocial"). It runs on a loopback address with its own
 * SQLite database in a temp dir and serves https itself, with a certificate made
 * here by `openssl req`; it reaches loopback peers (`http-client.allow-ips`) and
 * trusts their self-signed certificates (`tls-insecure-skip-verify`).
 *
 * Two things the binary wants beside it are stubbed when absent: web templates
 * (it refuses to start without `index.tmpl` and `email_*`; no page of it is used
 * here) and, for a `nowasmffmpeg` build, `ffmpeg`/`ffprobe` on the PATH (media
 * processing then fails; these tests post no media).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { cookiesFrom } from "./login.ts";

const run = promisify(execFile);

/** Where the binary is looked for: SYNCO_GOTOSOCIAL_BIN, else ~/.cache/synco/gotosocial. */
export function gotosocialBinary(): string {
  return process.env.SYNCO_GOTOSOCIAL_BIN ?? join(homedir(), ".cache", "synco", "gotosocial");
}

/** A key and self-signed certificate valid for the given IP addresses (PEM). */
export async function selfSignedCertificate(dir: string, ips: string[]) {
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "1",
    "-subj",
    `/CN=${ips[0]}`,
    "-addext",
    `subjectAltName=${ips.map((ip) => `IP:${ip}`).join(",")}`,
    "-keyout",
    key,
    "-out",
    cert,
  ]);
  return {
    keyFile: key,
    certFile: cert,
    key: readFileSync(key, "utf8"),
    cert: readFileSync(cert, "utf8"),
  };
}

/** A port free on `host` now (GoToSocial needs its port before it starts: it is in `host`). */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(join(dir, name)));
}

export interface GoToSocial {
  /** https://127.0.0.x:PORT */
  url: string;
  /** host:port, the domain of its accounts */
  domain: string;
  /** Makes a confirmed account and returns an access token for it (read write follow). */
  account(username: string): Promise<string>;
  /** Its process id (the HTTP bench reads its CPU time and memory). */
  pid: number;
  /** The last lines of its log, to print when a check fails. */
  logTail(lines?: number): string;
  close(): Promise<void>;
}

/** Without a certificate it serves plain HTTP (the HTTP bench: servers compared, not handshakes). */
export async function startGoToSocial(options: {
  binary: string;
  dir: string;
  host: string;
  certFile?: string;
  keyFile?: string;
  logLevel?: string;
}): Promise<GoToSocial> {
  const { binary, dir, host } = options;
  const port = await freePort(host);
  const domain = `${host}:${port}`;
  const tls = options.certFile && options.keyFile;
  const url = `${tls ? "https" : "http"}://${domain}`;
  const templates = existsSync(join(dirname(binary), "web", "template", "index.tmpl"))
    ? join(dirname(binary), "web", "template")
    : stubTemplates(dir);
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  for (const tool of ["ffmpeg", "ffprobe"]) {
    if (onPath(tool)) continue;
    writeFileSync(
      join(bin, tool),
      "#!/bin/sh\necho 'no media processing in this test' >&2\nexit 1\n",
      {
        mode: 0o755,
      },
    );
  }
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    JSON.stringify(
      {
        "log-level": options.logLevel ?? "info",
        "log-client-ip": false,
        host: domain,
        protocol: tls ? "https" : "http",
        "bind-address": host,
        port,
        "db-type": "sqlite",
        "db-address": join(dir, "gotosocial.db"),
        "web-template-base-dir": templates,
        "web-asset-base-dir": join(dirname(templates), "assets"),
        "storage-local-base-path": join(dir, "storage"),
        ...(tls
          ? { "tls-certificate-chain": options.certFile, "tls-certificate-key": options.keyFile }
          : {}),
        "letsencrypt-enabled": false,
        "instance-expose-public-timeline": true,
        "advanced-rate-limit-requests": 0,
        "advanced-throttling-multiplier": 0,
        "http-client": {
          "allow-ips": ["127.0.0.0/8"],
          "tls-insecure-skip-verify": true,
          timeout: "10s",
        },
      },
      null,
      2,
    ),
  );
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
  const logFile = join(dir, "gotosocial.log");
  const out = openSync(logFile, "a");
  const child = spawn(binary, ["--config-path", config, "server", "start"], {
    env,
    stdio: ["ignore", out, out],
  });
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", resolve);
    child.once("error", (error) => {
      spawnError = error;
      resolve(null);
    });
  });
  const logTail = (lines = 40) =>
    readFileSync(logFile, "utf8").split("\n").slice(-lines).join("\n");
  // Its first start migrates a fresh database: allow it a minute.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/api/v1/instance`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (spawnError) throw new Error(`GoToSocial could not be run: ${spawnError.message}`);
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`GoToSocial did not start:\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const cli = (...args: string[]) =>
    run(binary, ["--config-path", config, "admin", "account", ...args], { env });

  return {
    url,
    domain,
    pid: child.pid ?? 0,
    logTail,
    async account(username) {
      const email = `${username}@example.test`;
      const password = `A long password for ${username} 1!`;
      await cli("create", "--username", username, "--email", email, "--password", password);
      await cli("confirm", "--username", username);
      return oauthToken(url, email, password);
    },
    async close() {
      if (child.exitCode === null && !spawnError) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Only what its start-up checks for; each renders a word (no page of it is opened). */
function stubTemplates(dir: string): string {
  const templates = join(dir, "web", "template");
  mkdirSync(templates, { recursive: true });
  for (const name of ["index", "error", "404", "authorize", "oob", "sign-in", "email_stub"])
    writeFileSync(join(templates, `${name}.tmpl`), name);
  return templates;
}

/**
 * GoToSocial has no password grant: register an app, open /oauth/authorize (which
 * sends us to sign in), sign in with the form's fields, approve, and trade the code
 * from the redirect for a token.
 */
async function oauthToken(url: string, email: string, password: string): Promise<string> {
  const redirect = "http://localhost/callback";
  const scope = "read write follow";
  const app = (await (
    await fetch(`${url}/api/v1/apps`, {
      method: "POST",
      body: new URLSearchParams({
        client_name: "synco-interop",
        redirect_uris: redirect,
        scopes: scope,
      }),
    })
  ).json()) as { client_id: string; client_secret: string };
  const authorize = `${url}/oauth/authorize?${new URLSearchParams({
    client_id: app.client_id,
    redirect_uri: redirect,
    response_type: "code",
    scope,
  })}`;
  let cookie = "";
  const step = async (target: string, init: RequestInit = {}) => {
    const res = await fetch(target, {
      ...init,
      redirect: "manual",
      headers: { accept: "text/html", cookie, ...(init.headers ?? {}) },
    });
    cookie = cookiesFrom(res, cookie);
    return res;
  };
  await step(authorize);
  const signedIn = await step(`${url}/auth/sign_in`, {
    method: "POST",
    body: new URLSearchParams({ username: email, password }),
  });
  if (signedIn.status !== 302) throw new Error(`GoToSocial sign-in answered ${signedIn.status}`);
  const approved = await step(`${url}/oauth/authorize`, { method: "POST" });
  const code = new URL(approved.headers.get("location") ?? "", url).searchParams.get("code");
  if (!code) throw new Error(`GoToSocial gave no code (${approved.status})`);
  const token = (await (
    await fetch(`${url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        client_id: app.client_id,
        client_secret: app.client_secret,
        redirect_uri: redirect,
      }),
    })
  ).json()) as { access_token?: string };
  if (!token.access_token) throw new Error("GoToSocial gave no token");
  return token.access_token;
}
