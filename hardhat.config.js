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

export default defineConfig({
  plugins: [hardhatEthers, hardhatEthersChaiMatchers, hardhatMocha, hardhatNetworkHelpers],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion: "prague",
      optimizer: { enabled: true, runs: 200 },
    },
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
