// BigInt model of GreenScore.compute / ecoai_chain.core.units (floor everywhere).
export function score(baselineNgPerWork, work, carbonMg) {
  const b = (baselineNgPerWork * work) / 1_000_000n;
  const total = b + carbonMg;
  const eco = work !== 0n && total !== 0n ? (100n * b) / total : 0n;
  const reward = b > carbonMg ? (b - carbonMg) * 10n ** 12n : 0n;
  return { baselineMg: b, ecoScore: eco, rewardUnits: reward };
}
