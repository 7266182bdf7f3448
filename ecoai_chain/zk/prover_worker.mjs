// Long-lived Groth16 prover: one JSON request per stdin line, one JSON reply per stdout line.
//   node prover_worker.mjs SNARKJS_MAIN_JS WASM ZKEY
// request: {"id": N, "input": {...circuit input...}}
// reply:   {"id": N, "proof": {...}, "publicSignals": [...], "witness_ms": x, "prove_ms": y}
//       or {"id": N, "error": "message"}
// witness only (the "groth16py" mode proves in Python from the .wtns file):
// request: {"id": N, "input": {...}, "wtns_out": "/path/witness.wtns"}
// reply:   {"id": N, "witness_ms": x}
// The wasm and zkey are read once and kept in memory; snarkjs's bn128 curve (and its worker
// threads) stays warm between proofs, which is what a per-proof `snarkjs groth16 fullprove`
// process pays for every time.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const [snarkjsMain, wasmPath, zkeyPath] = process.argv.slice(2);
const snarkjs = await import(pathToFileURL(snarkjsMain).href);
const wasm = new Uint8Array(readFileSync(wasmPath));
const zkey = new Uint8Array(readFileSync(zkeyPath));

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
out({ ready: true });

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    out({ id: null, error: `bad request line: ${e.message}` });
    continue;
  }
  try {
    const t0 = performance.now();
    if (req.wtns_out) {
      await snarkjs.wtns.calculate(req.input, { type: "mem", data: wasm }, req.wtns_out);
      out({ id: req.id, witness_ms: performance.now() - t0 });
      continue;
    }
    const wtns = { type: "mem" };
    await snarkjs.wtns.calculate(req.input, { type: "mem", data: wasm }, wtns);
    const t1 = performance.now();
    const { proof, publicSignals } = await snarkjs.groth16.prove({ type: "mem", data: zkey }, wtns);
    const t2 = performance.now();
    out({ id: req.id, proof, publicSignals, witness_ms: t1 - t0, prove_ms: t2 - t1 });
  } catch (e) {
    out({ id: req.id, error: String(e && e.message ? e.message : e) });
  }
}
process.exit(0);
