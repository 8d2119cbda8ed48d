/** Loads the configuration for a command, printing one line and exiting 1 if it is bad. */
import { type Config, ConfigError, loadConfig, prepareDataDir } from "../../src/config.ts";

export function configOrExit(): Config {
  try {
    return prepareDataDir(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`synco: configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
