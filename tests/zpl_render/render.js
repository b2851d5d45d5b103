#!/usr/bin/env node
// Render ZPL to PNG offline, the way a test (or a person) checks what a printer would print.
//
//   node render.js in.zpl out.png --dpmm 8 --width 100 --height 150
//   node render.js --serve    (one JSON request a line on stdin, one JSON answer a line on stdout)
//
// The renderer is zebrash (a Go ZPL engine) compiled to WebAssembly, shipped inside the
// zpl-renderer-js package: nothing is fetched at run time. A request in --serve mode is
// {"zpl": "in.zpl", "png": "out.png", "dpmm": 8, "width": 100, "height": 150}; the answer is
// {"ok": true} or {"error": "..."}. Serving many labels from one process saves the ~2 s it
// takes to load the 9 MB WebAssembly module each time.
"use strict";

const fs = require("node:fs");
const readline = require("node:readline");
const { webcrypto } = require("node:crypto");

const USAGE = "usage: node render.js IN.zpl OUT.png [--dpmm 8] [--width MM] [--height MM] | --serve";

async function render(api, request) {
  const zpl = fs.readFileSync(request.zpl, "utf8");
  const png = await api.zplToBase64Async(zpl, request.width, request.height, request.dpmm);
  if (!png) {
    throw new Error(`no label found in ${request.zpl}`);
  }
  fs.writeFileSync(request.png, Buffer.from(png, "base64"));
}

function parseArgs(argv) {
  const request = { dpmm: 8, width: 101.6, height: 152.4 };
  const files = [];
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].replace(/^--/, "");
    if (argv[i].startsWith("--") && name in request) {
      request[name] = Number(argv[i + 1]);
      if (!Number.isFinite(request[name]) || request[name] <= 0) {
        throw new Error(`--${name} needs a positive number, got ${argv[i + 1]}`);
      }
      i += 1;
    } else {
      files.push(argv[i]);
    }
  }
  if (files.length !== 2) {
    throw new Error(USAGE);
  }
  [request.zpl, request.png] = files;
  return request;
}

async function serve(api) {
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    let answer;
    try {
      await render(api, JSON.parse(line));
      answer = { ok: true };
    } catch (error) {
      answer = { error: String(error && error.message ? error.message : error) };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const request = argv[0] === "--serve" ? null : parseArgs(argv);
  // Go's WebAssembly runtime wants the Web Crypto global, which Node 18 (Debian 12's
  // nodejs) only has under a flag.
  if (!globalThis.crypto) {
    globalThis.crypto = webcrypto;
  }
  // Loaded here, not at the top, so that a failure is reported in one line.
  const { ready } = require("zpl-renderer-js");
  const { api } = await ready;
  if (request === null) {
    await serve(api);
  } else {
    await render(api, request);
  }
  // The Go runtime keeps the event loop alive; end explicitly once done.
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${error && error.message ? error.message : error}\n`);
  process.exit(1);
});
