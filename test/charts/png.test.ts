import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { encodeOpaquePng, encodeOpaquePngAsync } from '../../src/charts/png.ts';

/** A 7×3 image with a different colour in every pixel, so a swapped channel or row shows. */
function sample(): { rgba: Uint8Array; width: number; height: number } {
  const width = 7;
  const height = 3;
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) rgba.set([(p * 37) % 256, (p * 91) % 256, (p * 53 + 17) % 256, 255], p * 4);
  return { rgba, width, height };
}

async function decode(png: Buffer, width: number, height: number): Promise<Uint8ClampedArray> {
  const img = await loadImage(png);
  expect([img.width, img.height], 'IHDR size').toEqual([width, height]);
  const c = createCanvas(width, height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, width, height).data;
}

describe('encodeOpaquePng', () => {
  it('round-trips every pixel through an independent PNG decoder (Skia)', async () => {
    const { rgba, width, height } = sample();
    for (const png of [encodeOpaquePng(rgba, width, height), await encodeOpaquePngAsync(rgba, width, height, 9)]) {
      expect(png.subarray(1, 4).toString('latin1'), 'PNG signature').toBe('PNG');
      expect(Array.from(await decode(png, width, height)), 'the decoder sees exactly the pixels written').toEqual(Array.from(rgba));
    }
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodeOpaquePng(new Uint8Array(10), 2, 2)).toThrow(RangeError);
  });
});
