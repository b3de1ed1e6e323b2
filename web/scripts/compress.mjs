// Writes a gzip copy next to every built script and stylesheet; the server sends it to browsers that
// accept gzip (src/callcenter/web/mount.py), so the console loads about a third of the bytes.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const assets = new URL("../../src/callcenter/web/dist/assets/", import.meta.url).pathname;
let raw = 0;
let packed = 0;
for (const name of readdirSync(assets)) {
  if (!/\.(js|css|svg)$/.test(name)) continue;
  const data = readFileSync(join(assets, name));
  const gz = gzipSync(data, { level: 9 });
  writeFileSync(join(assets, `${name}.gz`), gz);
  raw += data.length;
  packed += gz.length;
}
console.log(`gzip: ${(raw / 1024).toFixed(1)} kB of assets -> ${(packed / 1024).toFixed(1)} kB`);
