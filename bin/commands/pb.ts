export async function run(): Promise<number> {
  console.error("synco pb: not yet available");
  return 1;
}
