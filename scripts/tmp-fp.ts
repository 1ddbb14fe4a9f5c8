import { measureFraudProofs } from "../bench/gas/fraud-proof";
measureFraudProofs([256, 1024, 4096], console.log).then(() => process.exit(0));
