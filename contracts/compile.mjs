#!/usr/bin/env node
// Compile contracts/EnergySavingsToken.sol with solc-js (npm `solc`, pinned in package.json)
// through the standard JSON interface, without any network access, and write the artefact
// (ABI + creation and runtime bytecode + compiler settings) that the Python side loads.
//
//   node contracts/compile.mjs            # (re)write contracts/EnergySavingsToken.json
//   node contracts/compile.mjs --check    # exit 1 if the committed artefact differs
//   node contracts/compile.mjs --stdout   # print the artefact instead of writing it
//
// evmVersion is pinned to "prague": solc 0.8.37 defaults to osaka, which py-evm lacks.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE = "contracts/EnergySavingsToken.sol";
const CONTRACT = "EnergySavingsToken";
const ARTEFACT = join(ROOT, "contracts", `${CONTRACT}.json`);
const EXPECTED_SOLC = "0.8.37";
const SETTINGS = {
  evmVersion: "prague",
  optimizer: { enabled: true, runs: 200 },
  metadata: { bytecodeHash: "ipfs" },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};

function fail(message) {
  process.stderr.write(`compile.mjs: ${message}\n`);
  process.exit(1);
}

let solc;
try {
  solc = require("solc");
} catch (err) {
  fail(`cannot load solc-js (${err.message}); run \`npm ci\` in ${ROOT}`);
}
const solcVersion = solc.version();
if (!solcVersion.startsWith(`${EXPECTED_SOLC}+`)) {
  fail(`solc ${solcVersion} found, ${EXPECTED_SOLC} expected (package.json pins it)`);
}

const used = {};
function readSource(path) {
  const file = path.startsWith("@") ? join(ROOT, "node_modules", path) : join(ROOT, path);
  if (!existsSync(file)) return null;
  const content = readFileSync(file, "utf8");
  used[path] = createHash("sha256").update(content).digest("hex");
  return content;
}

function findImports(path) {
  const content = readSource(path);
  return content === null ? { error: `file not found: ${path}` } : { contents: content };
}

const input = {
  language: "Solidity",
  sources: { [SOURCE]: { content: readSource(SOURCE) } },
  settings: SETTINGS,
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const problems = output.errors || [];
for (const p of problems) process.stderr.write(`${p.formattedMessage || p.message}\n`);
if (problems.some((p) => p.severity === "error")) fail("compilation failed");

const compiled = output.contracts[SOURCE][CONTRACT];
const ozVersion = JSON.parse(
  readFileSync(join(ROOT, "node_modules/@openzeppelin/contracts/package.json"), "utf8"),
).version;
const artefact = {
  contractName: CONTRACT,
  sourceName: SOURCE,
  compiler: { name: "solc-js", version: solcVersion, settings: SETTINGS },
  openzeppelin: ozVersion,
  sources: Object.fromEntries(Object.keys(used).sort().map((k) => [k, { sha256: used[k] }])),
  abi: compiled.abi,
  bytecode: `0x${compiled.evm.bytecode.object}`,
  deployedBytecode: `0x${compiled.evm.deployedBytecode.object}`,
};
const text = `${JSON.stringify(artefact, null, 2)}\n`;

const args = process.argv.slice(2);
if (args.includes("--stdout")) {
  process.stdout.write(text);
} else if (args.includes("--check")) {
  const committed = existsSync(ARTEFACT) ? readFileSync(ARTEFACT, "utf8") : "";
  if (committed !== text) {
    fail(`${relative(ROOT, ARTEFACT)} differs from a fresh compile: run \`node contracts/compile.mjs\``);
  }
  process.stdout.write(`${relative(ROOT, ARTEFACT)} matches a fresh compile (solc ${solcVersion})\n`);
} else {
  writeFileSync(ARTEFACT, text);
  process.stdout.write(`wrote ${relative(ROOT, ARTEFACT)} (solc ${solcVersion}, evm prague)\n`);
}
