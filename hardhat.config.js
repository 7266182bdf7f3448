// Hardhat 3 configuration: compiles offline with the pinned npm `solc` (solc-js),
// so no compiler download is ever attempted. See ../shared/ARCHITECTURE.md "Toolchain facts".
import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";

const require = createRequire(import.meta.url);
const SOLC_VERSION = require("solc/package.json").version; // pinned exactly in package.json

function compiler(runs) {
  return {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: { evmVersion: "prague", optimizer: { enabled: true, runs } },
  };
}

export default defineConfig({
  plugins: [hardhatEthers, hardhatEthersChaiMatchers, hardhatMocha, hardhatNetworkHelpers],
  solidity: {
    compilers: [compiler(200)],
    // GreenProof sits at the 24,576-byte EIP-170 limit: with the batch path (issue 16) it is
    // 25,008 bytes at runs 200 and 24,384 at runs 1 (measured; deploying it is how the tests
    // check the limit: anvil and Hardhat's network refuse larger code). Its gas is dominated by
    // precompiles, storage and events, so runs 1 costs little at run time (bench_gas.py).
    overrides: { "contracts/GreenProof.sol": compiler(1) },
  },
  paths: {
    sources: "./contracts",
    tests: { mocha: "./tests/contracts" },
    artifacts: "./artifacts",
    cache: "./cache",
  },
  test: {
    mocha: { timeout: 120000 },
  },
});
