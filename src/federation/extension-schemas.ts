/**
 * The zod pieces our vocabulary's parsers share (decisions/parse.ts,
 * budgeting/parse.ts): every field from another node is bounded, links are
 * http(s) only, dates come back as ISO strings.
 */
import { z } from "zod";

export const isHttpUrl = (s: string) => {
  if (!URL.canParse(s)) return false;
  const { protocol } = new URL(s);
  return protocol === "https:" || protocol === "http:";
};
export const url = z.string().max(2048).refine(isHttpUrl);
export const date = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)))
  .transform((s) => new Date(s).toISOString());
export const text = (max: number) => z.string().max(max);
/** A value or a one-element list of it, as JSON-LD allows. */
export const one = <T extends z.ZodType>(schema: T) =>
  z.union([schema, z.tuple([schema])]).transform((v) => (Array.isArray(v) ? v[0] : v));
