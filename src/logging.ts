/** Logging through LogTape (Fedify logs through it too), to the console. */
import { AsyncLocalStorage } from "node:async_hooks";
import { configure, getConsoleSink } from "@logtape/logtape";

export async function setupLogging(level: "debug" | "info" | "warning" | "error"): Promise<void> {
  await configure({
    reset: true,
    // Fedify logs with implicit context (request ids); without a store LogTape warns on every call.
    contextLocalStorage: new AsyncLocalStorage(),
    sinks: { console: getConsoleSink() },
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
