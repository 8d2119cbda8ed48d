import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { installPublicKeyCache } from "./public-key-cache.ts";
import { tracerProvider } from "./tracing.ts";

test("a remote public key is imported once; other imports are not memoized", async () => {
  installPublicKeyCache();
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const a = await crypto.subtle.importKey("spki", new Uint8Array(spki), alg, true, ["verify"]);
  const b = await crypto.subtle.importKey("spki", new Uint8Array(spki), alg, true, ["verify"]);
  assert.equal(a, b);
  const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
  const s1 = await crypto.subtle.importKey("pkcs8", pkcs8, alg, false, ["sign"]);
  const s2 = await crypto.subtle.importKey("pkcs8", pkcs8, alg, false, ["sign"]);
  assert.notEqual(s1, s2);
  // The memoized key still verifies.
  const data = new TextEncoder().encode("hello");
  const signature = await crypto.subtle.sign(alg, s1, data);
  assert.ok(await crypto.subtle.verify(alg, b, signature, data));
  // A bad key is refused every time, not remembered.
  const bad = new Uint8Array([1, 2, 3]);
  await assert.rejects(crypto.subtle.importKey("spki", bad, alg, true, ["verify"]));
  await assert.rejects(crypto.subtle.importKey("spki", bad, alg, true, ["verify"]));
});

test("with no OpenTelemetry SDK registered, spans are inert and run their callback", async () => {
  const tracer = tracerProvider().getTracer("t");
  assert.equal(
    await tracer.startActiveSpan("x", async (span) => {
      span.setAttribute("a", 1).end();
      return span.isRecording() ? "recording" : "inert";
    }),
    "inert",
  );
  assert.equal(
    tracer.startActiveSpan("y", {}, (span) => span.spanContext().traceFlags),
    0,
  );
});
