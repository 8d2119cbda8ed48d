import assert from "node:assert/strict";
import { test } from "node:test";
import { tracerProvider } from "./tracing.ts";

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
