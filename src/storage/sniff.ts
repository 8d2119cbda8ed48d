/**
 * The media types the remote cache serves, told from the first bytes, never
 * from the remote server's Content-Type: whatever we serve from our own origin
 * must not be something a browser would run (HTML, SVG, scripts).
 */
export type CachedMediaType =
  | "image/jpeg"
  | "image/png"
  | "image/gif"
  | "image/webp"
  | "image/avif"
  | "video/mp4"
  | "video/webm"
  | "audio/ogg"
  | "audio/mpeg";

const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, to));

/** The type of these bytes, or null when they are not one we serve. */
export function sniffMediaType(bytes: Uint8Array): CachedMediaType | null {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "image/jpeg";
  if (b(0) === 0x89 && ascii(bytes, 1, 4) === "PNG") return "image/png";
  if (ascii(bytes, 0, 4) === "GIF8") return "image/gif";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "image/webp";
  if (ascii(bytes, 4, 8) === "ftyp") {
    const brand = ascii(bytes, 8, 12);
    return brand === "avif" || brand === "avis" ? "image/avif" : "video/mp4";
  }
  if (b(0) === 0x1a && b(1) === 0x45 && b(2) === 0xdf && b(3) === 0xa3) return "video/webm";
  if (ascii(bytes, 0, 4) === "OggS") return "audio/ogg";
  if (ascii(bytes, 0, 3) === "ID3" || (b(0) === 0xff && (b(1) & 0xe0) === 0xe0))
    return "audio/mpeg";
  return null;
}
