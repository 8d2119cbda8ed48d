/**
 * A small wrapper over node:util parseArgs that prints the command's help on
 * --help and a one-line error on bad options.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export class UsageError extends Error {
  override name = "UsageError";
}

export function parse<O extends Options>(args: string[], options: O, help: string) {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(help);
    return undefined;
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${help}`);
  }
}

/** Runs a command body, turning UsageError into exit code 2 with its message. */
export async function guard(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}
