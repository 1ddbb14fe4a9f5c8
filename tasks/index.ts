// Every task, one file each. Tasks import src/ lazily inside their actions: src/ needs typechain-types, which
// only exist after the first compile, and the config must load before that.
import { extendEnvironment } from "hardhat/config";

import { countRunningTasks } from "../src/cli/action";

import "./deploy";
import "./dao/delegate";
import "./dao/propose";
import "./dao/propose-checker";
import "./dao/vote";
import "./dao/queue";
import "./dao/execute";
import "./dao/status";
import "./dao/release";
import "./dao/proposals";
import "./dao/relay";
import "./job/create";
import "./job/status";
import "./job/finalize";
import "./job/cancel";
import "./job/reclaim";
import "./model/publish";
import "./token/balance";
import "./token/transfer";
import "./store/serve";
import "./explorer";
import "./provider/register";
import "./provider/stake";
import "./provider/run";
import "./provider/status";
import "./provider/unbond";
import "./provider/withdraw";
import "./provider/update";
import "./verifier/run";
import "./dispute/open";
import "./dispute/step";
import "./dispute/reveal";
import "./dispute/resolve";
import "./dispute/arbitrate";
import "./dispute/status";
import "./dispute/list";
import "./rewards/status";
import "./rewards/claim";
import "./chain/advance";
import "./demo";
import "./bench";
import "./audit/report";
import "./audit/mutants";

// userFacing prints a user error itself only in the task the command line named.
extendEnvironment(countRunningTasks);
