// A certificate's record in CertificateSubmitted's four data words (root, fieldsA, fieldsB,
// workloadClass; nodeId and epochStart are its topics): the one JavaScript place that knows
// the layout of contracts/RecordWords.sol (ecoai_chain/chain/record_words.py is the Python
// one). Low bits first; widths are the members' types but work 80, rewardUnits 160, releaseAt 48.
export const FIELDS_A = [
  ["intensityMgPerKwh", 32n], ["maxPowerMw", 32n], ["slotCount", 8n], ["ecoScore", 8n],
  ["energyMj", 64n], ["carbonMg", 64n], ["releaseAt", 48n],
];
export const FIELDS_B = [["windowS", 16n], ["work", 80n], ["rewardUnits", 160n]];

function packWord(record, layout) {
  let word = 0n;
  let shift = 0n;
  for (const [name, bits] of layout) {
    const v = BigInt(record[name]);
    if (v < 0n || v >> bits !== 0n) throw new RangeError(`record ${name} ${v} does not fit its ${bits} packed bits`);
    word |= v << shift;
    shift += bits;
  }
  return word;
}

function unpackWord(word, layout) {
  const out = {};
  let shift = 0n;
  for (const [name, bits] of layout) {
    out[name] = (BigInt(word) >> shift) & ((1n << bits) - 1n);
    shift += bits;
  }
  return out;
}

/** The members fieldsA / fieldsB carry, by name. */
export const unpackFieldsA = (word) => unpackWord(word, FIELDS_A);
export const unpackFieldsB = (word) => unpackWord(word, FIELDS_B);

/** [fieldsA, fieldsB] of `record` (an object by member name), as RecordWords.pack gives them. */
export function packRecord(record) {
  return [packWord(record, FIELDS_A), packWord(record, FIELDS_B)];
}

/** CertificateSubmitted's data arguments for `record`, in event order: withArgs(id, nodeId,
 *  epochStart, ...eventWords(record)). */
export function eventWords(record) {
  return [BigInt(record.root), ...packRecord(record), record.workloadClass];
}

/** The CertificateRecord (plain object, struct order) a parsed CertificateSubmitted's args carry. */
export function recordOfEvent(args) {
  const narrow = { ...unpackFieldsA(args.fieldsA), ...unpackFieldsB(args.fieldsB) };
  return {
    root: args.root, nodeId: args.nodeId, epochStart: args.epochStart,
    intensityMgPerKwh: narrow.intensityMgPerKwh, maxPowerMw: narrow.maxPowerMw, windowS: narrow.windowS,
    slotCount: narrow.slotCount, ecoScore: narrow.ecoScore, energyMj: narrow.energyMj, carbonMg: narrow.carbonMg,
    work: narrow.work, workloadClass: args.workloadClass, rewardUnits: narrow.rewardUnits, releaseAt: narrow.releaseAt,
  };
}
