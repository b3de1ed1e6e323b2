// Adds the lockfile entries npm leaves out when the registry mirror cannot serve every platform's
// native binary (rollup, tailwind's oxide): `npm ci` refuses a lockfile that lacks any optional
// dependency, even one for another platform. Each stub names the package's version, platform and libc,
// so npm skips it on other platforms and fetches it by version on its own. Run after `npm install`.
import { readFileSync, writeFileSync } from "node:fs";

const OS = ["android", "darwin", "freebsd", "linux", "win32", "openbsd", "openharmony", "sunos", "netbsd", "aix"];
const CPU = ["arm64", "arm", "x64", "ia32", "loong64", "ppc64", "riscv64", "s390x", "wasm32", "mips64el"];

function platform(name) {
  const tokens = name.split("/").pop().split("-");
  const stub = {};
  const os = tokens.find((t) => OS.includes(t));
  const cpu = tokens.find((t) => CPU.includes(t));
  if (os) stub.os = [os];
  if (cpu) stub.cpu = [cpu];
  if (os === "linux") {
    if (tokens.some((t) => t.startsWith("musl"))) stub.libc = ["musl"];
    else if (tokens.some((t) => t.startsWith("gnu"))) stub.libc = ["glibc"];
  }
  return stub;
}

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${name}`;
    const nested = `${key ? `${key}/` : ""}node_modules/${name}`;
    if (lock.packages[at] || lock.packages[nested]) continue;
    lock.packages[at] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform(name) };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform entries added`);
