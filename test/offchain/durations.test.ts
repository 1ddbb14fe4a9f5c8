import { expect } from "chai";

import { duration, relative, span } from "../../src/markdown";

describe("durations as people read them", function () {
  it("names a span by its largest unit and the next one when that is not zero", function () {
    expect(span(0n)).to.equal("0 s");
    expect(span(59n)).to.equal("59 s");
    expect(span(90n)).to.equal("1 min 30 s");
    expect(span(7_200n)).to.equal("2 h");
    expect(span(7_201n)).to.equal("2 h");
    expect(span(7_500n)).to.equal("2 h 5 min");
    expect(span(86_400n * 7n + 3_600n * 23n)).to.equal("7 d 23 h");
    expect(span(86_400n * 1_500n)).to.equal("1,500 d");
  });

  it("says whether a moment is ahead of the chain's clock or behind it", function () {
    expect(relative(1_000n, 1_000n)).to.equal("now");
    expect(relative(1_090n, 1_000n)).to.equal("in 1 min 30 s");
    expect(relative(1_000n, 4_600n)).to.equal("1 h ago");
  });

  it("writes a governed window in the largest unit that divides it exactly", function () {
    expect(duration(172_800n)).to.equal("2 d");
    expect(duration(5_400n)).to.equal("90 min");
    expect(duration(90n)).to.equal("90 s");
  });
});
