import fs from "node:fs";

import { type Browser, chromium } from "playwright-core";

import { coverageRunning } from "./cli";

/** The variable `npm run test:explorer` (and .ci/run) sets: the browser suite runs the demo on a node first. */
export const BROWSER_TESTS_VAR = "WEFT_BROWSER_TESTS";

/** Where a Chromium is looked for: $CHROMIUM_PATH, else Debian's package (apt-get install chromium). */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((candidate): candidate is string => candidate !== undefined && fs.existsSync(candidate));
}

/**
 * Skips the calling suite, with one line saying why, unless `npm run test:explorer` asked for the browser suite and a
 * Chromium is installed.
 */
export function onlyWithBrowser(context: Mocha.Context): string {
  const executable = chromiumPath();
  if (process.env[BROWSER_TESTS_VAR] !== "1" || coverageRunning()) {
    console.log(`      (skipped: a demo on a node and a browser; npm run test:explorer sets ${BROWSER_TESTS_VAR}=1)`);
    context.skip();
  }
  if (executable === undefined) {
    console.log("      (skipped: no Chromium installed; apt-get install chromium, or set CHROMIUM_PATH)");
    context.skip();
  }
  return executable!;
}

/**
 * Headless Chromium as this machine runs it: no sandbox (tests run as root), and none of the background connections
 * that a closed network refuses.
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
