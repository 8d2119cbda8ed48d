/**
 * GIFs written byte by byte, for tests of image limits: encoding a big GIF with
 * sharp takes seconds, writing one here takes milliseconds. The format is
 * GIF89a (https://www.w3.org/Graphics/GIF/spec-gif89a.txt), two colours.
 */

const u16 = (n: number) => [n & 0xff, n >> 8];

/**
 * LZW data of `pixels` pixels of colour 0 that a decoder really has to decode:
 * a clear code after every two pixels keeps codes at 3 bits (§ Appendix F).
 * With `pixels` 0 the data is just clear + end, for tests that read headers only.
 */
function lzw(pixels: number): Buffer {
  const codeCount = Math.ceil(pixels / 2) + pixels + 2;
  const packed = new Uint8Array(Math.ceil((codeCount * 3) / 8) + 1);
  let bit = 0;
  const put = (code: number) => {
    for (let b = 0; b < 3; b++, bit++)
      if (code & (1 << b)) packed[bit >> 3] = (packed[bit >> 3] ?? 0) | (1 << (bit & 7));
  };
  for (let i = 0; i < pixels; i++) {
    if (i % 2 === 0) put(4);
    put(0);
  }
  put(4);
  put(5);
  const bytes = packed.subarray(0, Math.ceil(bit / 8));
  // Data sub-blocks of at most 255 bytes, after the minimum code size, ending with an empty block.
  const blocks = Math.ceil(bytes.length / 255);
  const out = Buffer.alloc(1 + bytes.length + blocks + 1);
  out[0] = 2;
  let at = 1;
  for (let i = 0; i < bytes.length; i += 255) {
    const block = bytes.subarray(i, i + 255);
    out[at++] = block.length;
    out.set(block, at);
    at += block.length;
  }
  out[at] = 0;
  return out;
}

export interface GifOptions {
  width: number;
  height: number;
  /** Frames (an animation when more than one). */
  frames?: number;
  /** Write real pixel data (decodable), or only headers (enough to read the size). */
  decodable?: boolean;
  /** The first colour, so otherwise equal images differ. */
  colour?: [number, number, number];
}

export function makeGif(options: GifOptions): Buffer {
  const { width, height, frames = 1, decodable = false, colour = [200, 50, 50] } = options;
  const data = lzw(decodable ? width * height : 0);
  const parts: number[] = [
    ...Buffer.from("GIF89a"),
    ...u16(width),
    ...u16(height),
    0x80, // a global colour table of two colours
    0,
    0,
    ...colour,
    255,
    255,
    255,
  ];
  if (frames > 1) parts.push(0x21, 0xff, 11, ...Buffer.from("NETSCAPE2.0"), 3, 1, 0, 0, 0);
  const chunks: Buffer[] = [Buffer.from(parts)];
  const frame = Buffer.concat([
    // A graphic control extension (0.1 s a frame), then the image descriptor.
    Buffer.from([
      0x21,
      0xf9,
      4,
      0,
      10,
      0,
      0,
      0,
      0x2c,
      0,
      0,
      0,
      0,
      ...u16(width),
      ...u16(height),
      0,
    ]),
    data,
  ]);
  for (let i = 0; i < frames; i++) chunks.push(frame);
  chunks.push(Buffer.from([0x3b]));
  return Buffer.concat(chunks);
}
