import { expect } from "chai";

import { textTable } from "../../src/table";

const ESCAPE = "\u001b[";

/** Renders a small table with stdout as a terminal or not, and NO_COLOR as given. */
function render(isTTY: boolean, noColor?: string): string {
  const [wasTTY, wasNoColor] = [process.stdout.isTTY, process.env.NO_COLOR];
  process.stdout.isTTY = isTTY;
  if (noColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColor;
  try {
    const table = textTable({ head: ["job", "status"] });
    table.push(["1", "Open"]);
    return table.toString();
  } finally {
    process.stdout.isTTY = wasTTY;
    if (wasNoColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = wasNoColor;
  }
}

describe("tables commands print", function () {
  it("carry no ANSI colour into a file, a pipe or a CI log", function () {
    const plain = render(false);
    expect(plain).to.not.include(ESCAPE);
    expect(plain).to.include("job").and.to.include("Open");
  });

  it("are coloured on a terminal, unless NO_COLOR is set", function () {
    expect(render(true)).to.include(ESCAPE);
    expect(render(true, "1")).to.not.include(ESCAPE);
  });
});
