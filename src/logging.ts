/** Logging through LogTape (Fedify logs through it too), to the console. */
import { configure, getConsoleSink } from "@logtape/logtape";

export async function setupLogging(level: "debug" | "info" | "warning" | "error"): Promise<void> {
  await configure({
    reset: true,
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
