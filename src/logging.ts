/** Logging through LogTape (Fedify logs through it too), to the console. */
import { AsyncLocalStorage } from "node:async_hooks";
import { configure, getConsoleSink, jsonLinesFormatter } from "@logtape/logtape";

export async function setupLogging(
  level: "debug" | "info" | "warning" | "error",
  format: "text" | "json" = "text",
): Promise<void> {
  await configure({
    reset: true,
    // Fedify logs with implicit context (request ids); without a store LogTape warns on every call.
    contextLocalStorage: new AsyncLocalStorage(),
    // JSON Lines carry the request id and other context as fields a collector can index.
    sinks: { console: getConsoleSink(format === "json" ? { formatter: jsonLinesFormatter } : {}) },
    loggers: [
      { category: ["synco"], sinks: ["console"], lowestLevel: level },
      {
        category: ["fedify"],
        sinks: ["console"],
        lowestLevel: level === "debug" ? "info" : "warning",
      },
      { category: ["logtape", "meta"], sinks: ["console"], lowestLevel: "warning" },
    ],
  });
}
