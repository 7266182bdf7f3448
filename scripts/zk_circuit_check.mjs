// Run circuit test cases through the real wasm witness calculator and `wtns check` (R1CS).
//   node scripts/zk_circuit_check.mjs SNARKJS_MAIN_JS R1CS WASM CASES.json
// CASES.json: [{"name", "input": {...}, "tamper": {"<wire index>": "<value>"}?}, ...]
// Prints one JSON line: [{"name", "witness": bool, "check": bool|null, "error": str|null}, ...]
// "witness" false = the wasm's own constraint asserts refused the input; "check" false = the
// (possibly tampered) witness does not satisfy the R1CS.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [snarkjsMain, r1csPath, wasmPath, casesPath] = process.argv.slice(2);
const snarkjs = await import(pathToFileURL(snarkjsMain).href);
const r1cs = { type: "mem", data: new Uint8Array(readFileSync(r1csPath)) };
const wasm = { type: "mem", data: new Uint8Array(readFileSync(wasmPath)) };
const cases = JSON.parse(readFileSync(casesPath, "utf8"));
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

// wtns layout: "wtns" u32 version, u32 nSections, then sections (u32 type, u64 size, data);
// section 1: u32 n8, prime (n8 bytes), u32 nWitness; section 2: nWitness values, n8 bytes LE.
function witnessOffset(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 12;
  let n8 = 32;
  for (;;) {
    const type = dv.getUint32(pos, true);
    const size = Number(dv.getBigUint64(pos + 4, true));
    if (type === 1) n8 = dv.getUint32(pos + 12, true);
    if (type === 2) return { off: pos + 12, n8 };
    pos += 12 + size;
  }
}
function setWire(buf, idx, value) {
  const { off, n8 } = witnessOffset(buf);
  let v = BigInt(value);
  for (let i = 0; i < n8; i++) {
    buf[off + idx * n8 + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

const results = [];
for (const c of cases) {
  const r = { name: c.name, witness: false, check: null, error: null };
  const wtns = { type: "mem" };
  try {
    await snarkjs.wtns.calculate(c.input, wasm, wtns);
    r.witness = true;
  } catch (e) {
    r.error = String(e.message || e).split("\n")[0].slice(0, 300);
  }
  if (r.witness) {
    const data = new Uint8Array(wtns.data.slice(0, wtns.pos ?? wtns.data.length));
    for (const [idx, val] of Object.entries(c.tamper || {})) setWire(data, Number(idx), val);
    try {
      r.check = await snarkjs.wtns.check(r1cs, { type: "mem", data }, quiet);
    } catch (e) {
      r.check = false;
      r.error = String(e.message || e).slice(0, 300);
    }
  }
  results.push(r);
}
console.log(JSON.stringify(results));
process.exit(0);
