/**
 * The synco command line. Each command lives in bin/commands/ and is loaded only
 * when it runs, so `synco start` never loads the engines and the reverse.
 */
import { type Command, commands } from "./commands/index.ts";

const usage = `Usage: synco <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

Run "synco <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage);
    return name ? 0 : 1;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`synco: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  const command: Command = await entry.load();
  return command.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
