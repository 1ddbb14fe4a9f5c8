import { expect } from "chai";
import hre from "hardhat";
import { HardhatPluginError } from "hardhat/plugins";

import { DURATION, oneOf } from "../../src/cli/arg-types";

/** Weft's own tasks (Hardhat's and plugins' are named otherwise). */
const WEFT_TASK = /^((job|provider|dispute|token|rewards|store|chain|verifier|audit|dao):.+|deploy|demo|bench)$/;
/** Options whose value is free text, shown as <STRING>. */
const FREE_TEXT = new Set([
  "provider:register --gpu",
  "provider:update --gpu",
  "provider:run --gpu",
  "deploy --deploymentId",
  "dao:propose --description",
  "dao:vote --reason",
]);

describe("Task options", function () {
  it("name in help what every option takes, free text alone left as <STRING>", function () {
    const untyped: string[] = [];
    let options = 0;
    for (const task of Object.values(hre.tasks).filter((t) => WEFT_TASK.test(t.name))) {
      for (const param of Object.values(task.paramDefinitions).filter((p) => !p.isFlag)) {
        options++;
        const option = `${task.name} --${param.name}`;
        if (param.type.name === "string" && !FREE_TEXT.has(option)) untyped.push(option);
      }
    }
    expect(options).to.be.greaterThan(90);
    expect(untyped).to.deep.equal([]);
    expect(hre.tasks["chain:advance"].paramDefinitions.time.type.name).to.equal("duration");
    expect(hre.tasks["dispute:open"].paramDefinitions.path.type.name).to.equal("proof|withheld|arbitration");
  });

  it("hand the action the text as typed, and refuse anything but text from a program in one line", function () {
    expect(DURATION.parse("time", " 2h ")).to.equal(" 2h ");
    expect(() => DURATION.validate("time", "2h")).not.to.throw();
    expect(() => DURATION.validate("time", 7200)).to.throw(
      HardhatPluginError,
      /^time takes text \(duration\); got number 7200$/,
    );
    expect(oneOf("text", "json").name).to.equal("text|json");
  });
});
