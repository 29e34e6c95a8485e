#!/usr/bin/env node
// Builds the Parta browser app into static files that partad serves:
//   DIR/index.html, DIR/assets/app.<hash>.js (+ chunk.<hash>.js: lazily loaded pages), DIR/assets/app.<hash>.css,
//   DIR/assets/favicon.<hash>.svg
// Usage: node build.mjs [--out DIR] [--dev]
//   --out DIR  output directory (default: web/ui/dist); it is emptied first
//   --dev      no minification, inline source maps
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const opts = { out: join(here, 'dist'), dev: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) opts.out = resolve(argv[++i]);
    else if (a.startsWith('--out=')) opts.out = resolve(a.slice(6));
    else if (a === '--dev') opts.dev = true;
    else {
      console.error(`build.mjs: unknown argument ${a}\nusage: node build.mjs [--out DIR] [--dev]`);
      process.exit(2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const out = opts.out;
const assets = join(out, 'assets');
if (out === '/' || out === here) {
  console.error(`build.mjs: refusing to use ${out} as the output directory`);
  process.exit(2);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { app: 'src/main.tsx' },
  bundle: true,
  format: 'esm',
  target: ['es2020', 'chrome90', 'firefox90', 'safari14'],
  outdir: assets,
  entryNames: '[name].[hash]',
  // Lazily loaded pages (import('./federation')) become chunks beside app.js.
  splitting: true,
  chunkNames: 'chunk.[hash]',
  minify: !opts.dev,
  sourcemap: opts.dev ? 'inline' : false,
  legalComments: 'none',
  charset: 'utf8', // module scripts are always decoded as UTF-8; keeps Cyrillic strings small
  jsx: 'automatic',
  jsxImportSource: 'preact',
  define: { 'process.env.NODE_ENV': opts.dev ? '"development"' : '"production"' },
  metafile: true,
  logLevel: 'warning',
});

let js = '';
let css = '';
for (const file of Object.keys(result.metafile.outputs)) {
  const name = basename(file);
  if (/^app\.[^.]+\.js$/.test(name)) js = name;
  else if (/^app\.[^.]+\.css$/.test(name)) css = name;
}
if (!js || !css) {
  console.error('build.mjs: esbuild produced no app JS or CSS', Object.keys(result.metafile.outputs));
  process.exit(1);
}

const icon = readFileSync(join(here, 'static/favicon.svg'));
const iconName = `favicon.${createHash('sha256').update(icon).digest('hex').slice(0, 8)}.svg`;
writeFileSync(join(assets, iconName), icon);

function preloads(app) {
  const entry = Object.entries(result.metafile.outputs).find(([f]) => basename(f) === app);
  const eager = (entry?.[1].imports ?? []).filter((i) => i.kind === 'import-statement').map((i) => basename(i.path));
  return eager.map((n) => `  <link rel="modulepreload" href="/assets/${n}">\n`).join('');
}

const html = readFileSync(join(here, 'static/index.html'), 'utf8')
  .replaceAll('%APP_JS%', js)
  .replaceAll('%APP_CSS%', css)
  .replaceAll('%FAVICON%', iconName)
  // Chunks app.js imports statically (code it shares with the lazy pages) are
  // fetched at once, not after app.js has been parsed.
  .replace('</head>', preloads(js) + '</head>');
writeFileSync(join(out, 'index.html'), html);

const size = (name) => {
  const buf = readFileSync(join(assets, name));
  return `${(buf.length / 1024).toFixed(1)} KB (${(gzipSync(buf, { level: 9 }).length / 1024).toFixed(1)} KB gzipped)`;
};
console.log(`built ${out}`);
console.log(`  assets/${js}  ${size(js)}`);
console.log(`  assets/${css}  ${size(css)}`);
for (const file of Object.keys(result.metafile.outputs)) {
  const name = basename(file);
  if (/^chunk\.[^.]+\.js$/.test(name)) console.log(`  assets/${name}  ${size(name)} (loaded on demand or shared)`);
}
