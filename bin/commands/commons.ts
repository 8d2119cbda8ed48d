export async function run(): Promise<number> {
  console.error("synco commons: not yet available");
  return 1;
}
