import { expect } from "chai";

import { textTable } from "../../src/table";

const ESCAPE = "\u001b[";

/** Runs `build` with stdout as a terminal or not, and NO_COLOR as given. */
function withTerminal<T>(isTTY: boolean, noColor: string | undefined, build: () => T): T {
  const [wasTTY, wasNoColor] = [process.stdout.isTTY, process.env.NO_COLOR];
  process.stdout.isTTY = isTTY;
  if (noColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColor;
  try {
    return build();
  } finally {
    process.stdout.isTTY = wasTTY;
    if (wasNoColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = wasNoColor;
  }
}

/** Renders a small table with stdout as a terminal or not, and NO_COLOR as given. */
function render(isTTY: boolean, noColor?: string): string {
  return withTerminal(isTTY, noColor, () => {
    const table = textTable({ head: ["job", "status"] });
    table.push(["1", "Open"]);
    return table.toString();
  });
}

/** The head and border colours a table is given with stdout as a terminal or not, and NO_COLOR as given. */
function styleOf(isTTY: boolean, noColor?: string): { head: string[]; border: string[] } {
  const { head, border } = withTerminal(isTTY, noColor, () => textTable().options.style);
  return { head, border };
}

describe("tables commands print", function () {
  it("carry no ANSI colour into a file, a pipe or a CI log", function () {
    const plain = render(false);
    expect(plain).to.not.include(ESCAPE);
    expect(plain).to.include("job").and.to.include("Open");
  });

  // Whether the colour codes are then written is @colors/colors' own decision, taken once at load from the process's
  // stdout and TERM (a CI runner has no terminal), so this asserts the styles the table is given.
  it("keep cli-table3's coloured heads and borders on a terminal, unless NO_COLOR is set", function () {
    expect(styleOf(true)).to.deep.equal({ head: ["red"], border: ["grey"] });
    expect(styleOf(true, "1")).to.deep.equal({ head: [], border: [] });
    expect(styleOf(false)).to.deep.equal({ head: [], border: [] });
  });
});
