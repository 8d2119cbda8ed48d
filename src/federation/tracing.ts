/**
 * Fedify traces every request, parse and signature check through OpenTelemetry. With
 * no SDK registered (Synco registers none) that is the global proxy provider, which
 * looks up its delegate and switches the active context for every span — about 7% of
 * an inbox POST's CPU for spans nobody records. When nothing is registered we hand
 * Fedify this provider instead: its spans are inert and run the callback directly.
 * Registering an SDK before the federation is built (e.g. `node --import`) keeps
 * the global provider.
 */
import { type Span, type SpanContext, type TracerProvider, trace } from "@opentelemetry/api";

const context: SpanContext = {
  traceId: "00000000000000000000000000000000",
  spanId: "0000000000000000",
  traceFlags: 0,
};

const span: Span = {
  spanContext: () => context,
  setAttribute: () => span,
  setAttributes: () => span,
  addEvent: () => span,
  addLink: () => span,
  addLinks: () => span,
  setStatus: () => span,
  updateName: () => span,
  end: () => {},
  isRecording: () => false,
  recordException: () => {},
};

const tracer = {
  startSpan: () => span,
  // startActiveSpan(name, [options], [context], fn): the callback is always last.
  startActiveSpan: (...args: unknown[]) => (args[args.length - 1] as (s: Span) => unknown)(span),
};

const inert = { getTracer: () => tracer } as unknown as TracerProvider;

/** The global provider if an SDK registered one, else the inert one. */
export function tracerProvider(): TracerProvider {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => unknown };
  const delegate = global.getDelegate?.();
  return delegate && delegate.constructor.name !== "NoopTracerProvider" ? global : inert;
}
