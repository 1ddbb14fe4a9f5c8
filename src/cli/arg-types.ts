/**
 * What each task option takes, named for Hardhat's help: `--time <DURATION>`, `--amount <AMOUNT>`, `--to
 * <ADDRESS|INDEX>` rather than `<STRING>` for every option.
 *
 * Each type hands the action the text as typed; the action parses it with src/cli/flags.ts inside userFacing.
 * Parsing in the type instead (or using Hardhat's types.int and types.float) would cost two things:
 *  - a value a type's parse refuses is Hardhat's error HH301 ("Invalid value x for argument limit of type int"),
 *    followed by a link and, on any server Hardhat takes for CI, a stack trace, where a flag parser's error is one
 *    line that names the flag, what it accepts and what it got;
 *  - Hardhat parses only the command line: a task run by a program (hre.run, as the tests and the demo do) gets its
 *    arguments as given, so an action would get a number from one and a string from the other, and types.int refuses
 *    the string "5" outright. (types.int also reads "1e3" and "0x10", which no option here means.)
 * Flags that are on or off are already Hardhat's booleans (addFlag).
 */
import { HardhatPluginError } from "hardhat/plugins";
import type { CLIArgumentType } from "hardhat/types";

/** Text shown in help as `<NAME>`, parsed by the task that declares it. */
function textOf(name: string): CLIArgumentType<string> {
  return {
    name,
    parse: (_argName, text) => text,
    validate: (argName, value: unknown) => {
      if (typeof value !== "string") {
        throw new HardhatPluginError("weft", `${argName} takes text (${name}); got ${typeof value} ${String(value)}`);
      }
    },
  };
}

/** A duration: seconds (or the flag's own unit), or a number with a unit (90m, 2h, 7d, 1w, "2 hours"). */
export const DURATION = textOf("duration");
/** A decimal amount of a token in its own units (12.5). */
export const AMOUNT = textOf("amount");
/** A 0x address. */
export const ADDRESS = textOf("address");
/** An address, or the index of one of the network's configured accounts. */
export const ADDRESS_OR_INDEX = textOf("address|index");
/** A job's or a dispute's id. */
export const ID = textOf("id");
/** A whole number. */
export const INTEGER = textOf("integer");
/** A probability from 0 to 1. */
export const PROBABILITY = textOf("probability");
/** A TCP port. */
export const PORT = textOf("port");
/** A host name or an interface's address to listen on. */
export const HOST = textOf("host");
/** A matmul-i8 shape: m,k,n. */
export const MATMUL_SHAPE = textOf("m,k,n");
/** A mandelbrot-q tile: x0,y0,step,width,height,maxIter. */
export const TILE = textOf("tile");
/** A signed ballot: its JSON, or a file holding it. */
export const BALLOT = textOf("json|file");
/** A governed parameter's new value: name=value (e.g. protocolFeeBps=250). */
export const PARAMETER_CHANGE = textOf("name=value");
/** An mlp-i8 model: its root (model:publish), or a model file. */
export const MODEL = textOf("root|file");
/** An mlp-i8 network's widths, inputs first: 64-32-10. */
export const MLP_WIDTHS = textOf("widths");
/** Comma-separated items. */
export const LIST = textOf("list");
/** One of `words`, shown as `<A|B|C>`. */
export function oneOf(...words: readonly string[]): CLIArgumentType<string> {
  return textOf(words.join("|"));
}
/** A token: WEFT, or an allow-listed payment token's symbol or address. */
export const TOKEN = textOf("token");
/** A file's path. */
export const FILE = textOf("file");
/** A mutant's id, or the start of it, as reports/mutants.json lists them. */
export const MUTANT_ID = textOf("mutant");
/** A directory's path. */
export const DIRECTORY = textOf("dir");
/** A directory, or the URL of a content server. */
export const STORE = textOf("dir|url");
/** A URI (https://, ipfs://, file://, ...). */
export const URI = textOf("uri");
/** An http(s) URL. */
export const HTTP_URL = textOf("url");
/** A shell command. */
export const COMMAND = textOf("command");
/** Who signs: an index of the network's configured accounts, a role whose key is set (client, ...) or an address. */
export const ACCOUNT = textOf("index|role|address");
/** The help of every signing task's --keystore. */
export const KEYSTORE_HELP =
  "An encrypted JSON keystore to sign with (password from WEFT_KEYSTORE_PASSWORD, else asked)";
