#!/usr/bin/env node
// Unit tests of the browser app's pure modules: test/*.test.ts are bundled by
// esbuild (the same compiler as the app) into a temporary folder and run with
// node's test runner. Exit status: node --test's.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tests = readdirSync(join(here, 'test')).filter((f) => f.endsWith('.test.ts'));
const out = mkdtempSync(join(tmpdir(), 'parta-ui-test-'));
try {
  await esbuild.build({
    absWorkingDir: here,
    entryPoints: tests.map((f) => join('test', f)),
    bundle: true,
    platform: 'node',
    format: 'esm',
    outdir: out,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  const files = readdirSync(out).filter((f) => f.endsWith('.mjs')).map((f) => join(out, f));
  const r = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
