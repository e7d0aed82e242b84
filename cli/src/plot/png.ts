import { Resvg } from '@resvg/resvg-js';

/**
 * SVG to PNG with resvg (Rust, shipped prebuilt inside the npm package: no browser, no Cairo).
 * Text uses the system's fonts; DejaVu Sans (on most Linux systems) stands in for Helvetica/Arial
 * when those are absent, so labels never silently vanish.
 */
export function svgToPng(svg: string, scale = 1): Buffer {
  const r = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return r.render().asPng();
}

/** Width and height from a PNG's IHDR chunk (after the 8-byte signature), or undefined if not a PNG. */
export function pngSize(buf: Uint8Array): { width: number; height: number } | undefined {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buf.length < 24 || sig.some((b, k) => buf[k] !== b)) return undefined;
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}
