/** The entry point esbuild bundles: the styles (emitted as app.css) and the app rendered into #app. */
import "@picocss/pico/css/pico.min.css";
import "uplot/dist/uPlot.min.css";
import "./styles.css";

import { render } from "preact";

import { App } from "./app";

const root = document.getElementById("app");
if (root === null) throw new Error("index.html has no #app element");
render(<App />, root);
