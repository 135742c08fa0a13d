#!/usr/bin/env node
// Downloads the Swedish Piper voices GDial ships (sv_SE nst, lisa, alma; medium quality)
// into build/resources/voices, for a packaging machine with internet access. Not run in CI
// and never at test time. Every file is checked against build/voices.sha256:
//
//   node build/download-voices.mjs --write-checksums   first trusted download: records checksums
//   node build/download-voices.mjs                     every later run: verifies against them
//
// Options: --out DIR (default build/resources/voices), --revision REV (default "main"; pin a
// commit of the voice repository for reproducible builds), --voices nst,lisa,alma,
// --base-url URL (a mirror laid out like the Piper voices repository).
// See docs/voices.md for the licences that travel with these files.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHECKSUMS = path.join(here, 'voices.sha256');
const VOICES = {
  nst: 'sv/sv_SE/nst/medium/sv_SE-nst-medium',
  lisa: 'sv/sv_SE/lisa/medium/sv_SE-lisa-medium',
  alma: 'sv/sv_SE/alma/medium/sv_SE-alma-medium',
};

function parseArgs(argv) {
  const opts = {
    out: path.join(here, 'resources', 'voices'),
    revision: 'main',
    voices: Object.keys(VOICES),
    writeChecksums: false,
    baseUrl: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--write-checksums') opts.writeChecksums = true;
    else if (a === '--out') opts.out = path.resolve(argv[++i]);
    else if (a === '--revision') opts.revision = argv[++i];
    else if (a === '--base-url') opts.baseUrl = argv[++i].replace(/\/$/, '');
    else if (a === '--voices') opts.voices = argv[++i].split(',').map((v) => v.trim());
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\n')
          .slice(1, 13)
          .join('\n')
          .replace(/^\/\/ ?/gm, '') + '\n',
      );
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  for (const v of opts.voices) if (!VOICES[v]) fail(`unknown voice "${v}" (known: ${Object.keys(VOICES).join(', ')})`);
  return opts;
}

function fail(message) {
  process.stderr.write(`download-voices: ${message}\n`);
  process.exit(1);
}

function readChecksums() {
  const map = new Map();
  if (!existsSync(CHECKSUMS)) return map;
  for (const line of readFileSync(CHECKSUMS, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64})\s+(\S+)$/.exec(line.trim());
    if (m) map.set(m[2], m[1]);
  }
  return map;
}

async function sha256File(file) {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function download(url, target) {
  const partial = `${target}.partial`;
  const res = await fetch(url, { redirect: 'follow' });
  if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  let done = 0;
  let lastShown = 0;
  const counted = Readable.fromWeb(res.body).on('data', (chunk) => {
    done += chunk.length;
    if (total && done - lastShown > total / 20) {
      lastShown = done;
      process.stderr.write(`  ${path.basename(target)} ${Math.round((done / total) * 100)} %\n`);
    }
  });
  try {
    await pipeline(counted, createWriteStream(partial));
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  return partial;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(opts.out, { recursive: true });
  const known = readChecksums();
  const recorded = new Map(known);
  const base = opts.baseUrl ?? `https://huggingface.co/rhasspy/piper-voices/resolve/${encodeURIComponent(opts.revision)}`;
  for (const name of opts.voices) {
    const remote = VOICES[name];
    const id = path.basename(remote);
    // The model card carries the voice's licence; it ships next to the voice.
    const files = [
      [`${remote}.onnx`, `${id}.onnx`],
      [`${remote}.onnx.json`, `${id}.onnx.json`],
      [`${path.dirname(remote)}/MODEL_CARD`, `${id}.MODEL_CARD.txt`],
    ];
    for (const [remotePath, local] of files) {
      const target = path.join(opts.out, local);
      const expected = known.get(local);
      if (!expected && !opts.writeChecksums) {
        fail(
          `no checksum for ${local} in ${path.relative(process.cwd(), CHECKSUMS)}. Run once with --write-checksums on a trusted network, review and commit the file.`,
        );
      }
      if (existsSync(target) && expected && (await sha256File(target)) === expected) {
        process.stderr.write(`${local}: present and verified\n`);
        continue;
      }
      process.stderr.write(`${local}: downloading\n`);
      const partial = await download(`${base}/${remotePath}`, target);
      const actual = await sha256File(partial);
      if (expected && actual !== expected) {
        rmSync(partial, { force: true });
        fail(
          `${local}: checksum mismatch (expected ${expected}, got ${actual}). The file changed upstream or the download was tampered with; nothing was replaced.`,
        );
      }
      renameSync(partial, target);
      recorded.set(local, actual);
      process.stderr.write(`${local}: ${expected ? 'verified' : 'recorded'} ${actual}\n`);
    }
  }
  if (opts.writeChecksums) {
    const lines = [...recorded.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([file, hash]) => `${hash}  ${file}`);
    writeFileSync(CHECKSUMS, `${lines.join('\n')}\n`);
    process.stderr.write(`wrote ${CHECKSUMS}; review it and commit it so later runs verify against it\n`);
  }
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
