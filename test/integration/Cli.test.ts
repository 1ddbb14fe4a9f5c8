import { expect } from "chai";

import { coverageRunning, execHardhat } from "../helpers/cli";

/**
 * A user error on the machines where operators run agents: Hardhat takes a Linux server without a display (and any
 * machine with CI=true) for CI and prints a stack trace under every error there unless the task prints it itself.
 * Bad flag values fail before any network is touched, so no node is needed.
 */
describe("Command line user errors on a server", function () {
  const server: NodeJS.ProcessEnv = { ...process.env, CI: "true" };
  delete server.DISPLAY;
  delete server.WAYLAND_DISPLAY;
  delete server.HARDHAT_SHOW_STACK_TRACES;
  const STACK_LINE = /^\s+at /m;

  before(function () {
    if (coverageRunning()) this.skip();
  });

  it("prints one line and exits with 1, and shows the stack only with --show-stack-traces", async function () {
    const [plain, asked] = await Promise.all([
      execHardhat(["provider:run", "--log-format", "xml"], server),
      execHardhat(["verifier:run", "--log-format", "xml", "--show-stack-traces"], server),
    ]);
    expect(plain).to.deep.equal({
      code: 1,
      stdout: "",
      stderr: 'Error: --log-format must be text or json; got "xml".\n',
    });
    expect(asked.code).to.equal(1);
    expect(asked.stderr).to.include('--log-format must be text or json; got "xml".');
    expect(asked.stderr).to.match(STACK_LINE);
  });
});
