#!/usr/bin/env node
// Builds static/dist/ from node_modules and static/src/ by copying files.
//
// No bundler on purpose: the pieces are already built upstream, and install
// scripts (esbuild and friends) are blocked here. The browser loads each file
// with its own <link>/<script> tag from /static/dist/ (see templates/base.html).
//
// Source-map comments are stripped: the maps are not shipped, and Django's
// ManifestStaticFilesStorage would fail collectstatic on a missing map.

import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const nodeModules = join(root, "node_modules");
const dist = join(root, "static", "dist");

// [source, target name in static/dist]
const files = [
  [join(nodeModules, "@digdir/designsystemet-css/dist/src/index.css"), "designsystemet.css"],
  [join(nodeModules, "@digdir/designsystemet-theme/brand/digdir.css"), "theme-digdir.css"],
  [join(nodeModules, "@digdir/designsystemet-web/dist/umd/index.js"), "designsystemet-web.js"],
  [join(nodeModules, "htmx.org/dist/htmx.min.js"), "htmx.min.js"],
  [join(root, "static/src/portal.css"), "portal.css"],
  [join(root, "static/src/meetings.css"), "meetings.css"],
  [join(root, "static/src/portal.js"), "portal.js"],
  [join(root, "static/src/partnerpot.css"), "partnerpot.css"],
  [join(root, "static/src/partnerpot.js"), "partnerpot.js"],
  [join(root, "static/src/reports.css"), "reports.css"],
];

const SOURCE_MAP = /^\s*(\/\/# sourceMappingURL=.*|\/\*# sourceMappingURL=.*\*\/)\s*$/gm;

const missing = files.filter(([src]) => !existsSync(src)).map(([src]) => src);
if (missing.length) {
  console.error(`build_frontend: missing files:\n  ${missing.join("\n  ")}`);
  console.error("Run `npm ci --ignore-scripts` first.");
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

for (const [src, name] of files) {
  const target = join(dist, name);
  if (/\.(css|js)$/.test(name)) {
    const text = readFileSync(src, "utf8").replace(SOURCE_MAP, "");
    writeFileSync(target, text);
  } else {
    copyFileSync(src, target);
  }
  console.log(`static/dist/${name}`);
}
