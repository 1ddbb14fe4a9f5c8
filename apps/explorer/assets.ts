/**
 * The explorer's web page as the server serves it: the app in apps/explorer/web bundled in memory at start-up.
 *
 * esbuild does the bundling because it is how a clean machine gets a bundler without a download: its native binary
 * ships inside an npm package (@esbuild/<platform>), so `npm ci` installs it like any other dependency and nothing is
 * fetched at run time. It reads TSX and CSS itself, so the page needs no other build step and no file on disk.
 */
import path from "node:path";

import { build } from "esbuild";

export interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

const WEB = path.join(__dirname, "web");

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[char] ?? char);

function indexHtml(title: string): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(title)}</title>`,
    // No favicon to fetch: the browser would ask for /favicon.ico and log the 404.
    '<link rel="icon" href="data:,">',
    '<link rel="stylesheet" href="/app.css">',
    '<script src="/app.js" defer></script>',
    "</head>",
    "<body>",
    '<div id="app"></div>',
    "<noscript>Weft Explorer needs JavaScript.</noscript>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** Bundles the web app (esbuild, minified, in memory: nothing written to disk) into the files the server serves by path: "/" (index.html), "/app.js", "/app.css". */
export async function buildExplorerAssets(
  options: { readonly title?: string } = {},
): Promise<ReadonlyMap<string, Asset>> {
  const result = await build({
    entryPoints: [path.join(WEB, "main.tsx")],
    // Output paths only name the files (app.js, app.css): with write: false nothing lands in this folder.
    outdir: path.join(WEB, "dist"),
    entryNames: "app",
    bundle: true,
    write: false,
    minify: true,
    format: "iife",
    target: "es2020",
    jsx: "automatic",
    jsxImportSource: "preact",
    loader: { ".css": "css" },
    logLevel: "silent",
  });
  const output = (extension: string): Buffer => {
    const file = result.outputFiles.find((each) => path.extname(each.path) === extension);
    if (file === undefined) throw new Error(`esbuild produced no ${extension} file for the explorer`);
    return Buffer.from(file.contents);
  };
  return new Map<string, Asset>([
    [
      "/",
      {
        contentType: "text/html; charset=utf-8",
        body: Buffer.from(indexHtml(options.title ?? "Weft Explorer")),
      },
    ],
    ["/app.js", { contentType: "text/javascript; charset=utf-8", body: output(".js") }],
    ["/app.css", { contentType: "text/css; charset=utf-8", body: output(".css") }],
  ]);
}
