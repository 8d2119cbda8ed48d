/** El catálogo en castellano, un archivo por área, con las mismas claves que el inglés. */
import type { Catalogue } from "../en/index.ts";
import { accounts } from "./accounts.ts";
import { federation } from "./federation.ts";
import { shell } from "./shell.ts";

export const es: Catalogue = { ...shell, ...accounts, ...federation };
