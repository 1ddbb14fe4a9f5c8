/**
 * `node -r` hook that loads TypeScript like ts-node's transpile-only mode, but keeps each transpiled file in a cache
 * under the system's temporary directory. Tests that restart an agent process many times use it: without the cache
 * every start transpiles all of typechain-types again (about 3 s of a 4.5 s start on a 2-core machine).
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const CACHE_DIR = path.join(os.tmpdir(), `weft-ts-cache-${os.userInfo().uid}`);

let compiler;
/** TypeScript and the project's compiler options, loaded on the first cache miss only. */
function typescript() {
  if (compiler === undefined) {
    const ts = require(require.resolve("typescript", { paths: [ROOT] }));
    const { config } = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
    const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
    compiler = { ts, options: { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true } };
  }
  return compiler;
}

function transpiled(filename, source) {
  const key = crypto.createHash("sha256").update(`${filename}\0${source}`).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const { ts, options } = typescript();
    const output = ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText;
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Several processes may fill the cache at once: write aside, then rename over.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, output);
    fs.renameSync(tmp, cached);
    return output;
  }
}

// Mocha loads every .js file under test/: take over .ts loading only as a `node -r` preload, before any main module.
if (require.main === undefined) {
  require.extensions[".ts"] = (module, filename) => {
    module._compile(transpiled(filename, fs.readFileSync(filename, "utf8")), filename);
  };
}
