/**
 * Augmentation on bytes, fused with the conversion to float pixels: one pass
 * per image, no tensors. Horizontal flip then zero-pad-and-crop, as
 * torchvision's RandomHorizontalFlip + RandomCrop(size, padding) in open_lth.
 */
import { type PixelArray, pixelDivisor } from "./types.js";

export interface Placement {
  flip: boolean;
  /** Crop offsets into the padded image, in [0, 2·pad]; pad = no shift. */
  dy: number;
  dx: number;
}

export const IDENTITY: Placement = { flip: false, dy: 0, dx: 0 };

/**
 * Write one HWC image as floats in [0,1] to out[outAt..]: out(i,j) = src(i+dy−pad, j'),
 * j' = j+dx−pad mirrored when flipped; zero (black) outside the source.
 */
export function augmentImage(
  src: PixelArray,
  srcAt: number,
  out: Float32Array,
  outAt: number,
  shape: readonly [number, number, number],
  pad: number,
  p: Placement,
): void {
  const [h, w, c] = shape;
  const div = pixelDivisor(src);
  const shiftY = p.dy - pad;
  const shiftX = p.dx - pad;
  for (let i = 0; i < h; i++) {
    const sy = i + shiftY;
    const rowOut = outAt + i * w * c;
    if (sy < 0 || sy >= h) {
      out.fill(0, rowOut, rowOut + w * c);
      continue;
    }
    for (let j = 0; j < w; j++) {
      const cx = j + shiftX;
      const o = rowOut + j * c;
      if (cx < 0 || cx >= w) {
        for (let k = 0; k < c; k++) out[o + k] = 0;
        continue;
      }
      const sx = p.flip ? w - 1 - cx : cx;
      const s = srcAt + (sy * w + sx) * c;
      for (let k = 0; k < c; k++) out[o + k] = src[s + k] / div;
    }
  }
}

/** Stored values to floats in [0,1], no augmentation (the fast path for evaluation). */
export function toPixels(src: PixelArray, out: Float32Array, outAt: number): void {
  const div = pixelDivisor(src);
  for (let i = 0; i < src.length; i++) out[outAt + i] = src[i] / div;
}
