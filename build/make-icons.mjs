#!/usr/bin/env node
// Draws GDial's tray and application icons into build/icons as PNG, so the app has icons
// without an image toolchain: tray-idle (blue), tray-alerting (red), tray-problem (amber),
// each at 1x (16 px) and 2x (32 px) — Electron picks @2x on high-DPI screens — and a
// 1024 px icon.png that electron-builder converts to .ico/.icns. They are deliberately
// plain (a disc with a ring); a designer's artwork can replace icon.png at the same path.
//   node build/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icons');

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // no filter
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5, size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const clamp = (v) => Math.max(0, Math.min(1, v));

/** A filled disc with a white ring, anti-aliased by distance to the edges. */
const disc = (rgb) => (x, y, size) => {
  const c = size / 2;
  const d = Math.hypot(x - c, y - c);
  const outer = c * 0.94;
  const edge = clamp(outer - d + 0.5);
  const ringMid = c * 0.52;
  const ringHalf = Math.max(0.6, c * 0.1);
  const ring = clamp(ringHalf - Math.abs(d - ringMid) + 0.5);
  const col = rgb.map((v) => Math.round(v * (1 - ring) + 255 * ring));
  return [...col, Math.round(255 * edge)];
};

const COLORS = { idle: [47, 102, 178], alerting: [204, 40, 40], problem: [214, 148, 0] };
mkdirSync(out, { recursive: true });
for (const [name, rgb] of Object.entries(COLORS)) {
  writeFileSync(path.join(out, `tray-${name}.png`), png(16, disc(rgb)));
  writeFileSync(path.join(out, `tray-${name}@2x.png`), png(32, disc(rgb)));
}
writeFileSync(path.join(out, 'icon.png'), png(1024, disc(COLORS.idle)));
console.log(`icons written to ${out}`);
