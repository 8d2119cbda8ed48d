export async function run(): Promise<number> {
  console.error("synco economy: not yet available");
  return 1;
}
