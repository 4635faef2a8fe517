// CIEDE2000 colour difference (kL = kC = kH = 1), following Sharma, Wu & Dalal (2005),
// "The CIEDE2000 color-difference formula: implementation notes, supplementary test data, and
// mathematical observations", Color Res. Appl. 30(1). Equation numbers refer to that paper.

const DEG = Math.PI / 180;
const POW25_7 = 6103515625; // 25^7

/** Hue angle in degrees, 0..360; 0 for a neutral colour (eq. 4, note on atan2(0, 0)). */
function hueDeg(a: number, b: number): number {
  if (a === 0 && b === 0) return 0;
  const h = Math.atan2(b, a) / DEG;
  return h < 0 ? h + 360 : h;
}

export function ciede2000(L1: number, a1: number, b1: number, L2: number, a2: number, b2: number): number {
  // eqs. 2-5: a' stretched by G so near-neutral blues are not over-counted
  const cBar = (Math.sqrt(a1 * a1 + b1 * b1) + Math.sqrt(a2 * a2 + b2 * b2)) / 2;
  const cBar7 = Math.pow(cBar, 7);
  const G = 0.5 * (1 - Math.sqrt(cBar7 / (cBar7 + POW25_7)));
  const a1p = (1 + G) * a1;
  const a2p = (1 + G) * a2;
  const c1p = Math.sqrt(a1p * a1p + b1 * b1);
  const c2p = Math.sqrt(a2p * a2p + b2 * b2);
  const h1p = hueDeg(a1p, b1);
  const h2p = hueDeg(a2p, b2);

  // eqs. 8-11
  const dLp = L2 - L1;
  const dCp = c2p - c1p;
  const cc = c1p * c2p;
  let dhp = 0;
  if (cc !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(cc) * Math.sin((dhp / 2) * DEG);

  // eqs. 12-14; the mean hue wraps around 0/360 (and is the plain sum when one colour is neutral)
  const lBarP = (L1 + L2) / 2;
  const cBarP = (c1p + c2p) / 2;
  let hBarP: number;
  if (cc === 0) hBarP = h1p + h2p;
  else if (Math.abs(h1p - h2p) <= 180) hBarP = (h1p + h2p) / 2;
  else if (h1p + h2p < 360) hBarP = (h1p + h2p + 360) / 2;
  else hBarP = (h1p + h2p - 360) / 2;

  // eqs. 15-22
  const T =
    1 -
    0.17 * Math.cos((hBarP - 30) * DEG) +
    0.24 * Math.cos(2 * hBarP * DEG) +
    0.32 * Math.cos((3 * hBarP + 6) * DEG) -
    0.2 * Math.cos((4 * hBarP - 63) * DEG);
  const dTheta = 30 * Math.exp(-Math.pow((hBarP - 275) / 25, 2));
  const cBarP7 = Math.pow(cBarP, 7);
  const RC = 2 * Math.sqrt(cBarP7 / (cBarP7 + POW25_7));
  const l50 = (lBarP - 50) * (lBarP - 50);
  const SL = 1 + (0.015 * l50) / Math.sqrt(20 + l50);
  const SC = 1 + 0.045 * cBarP;
  const SH = 1 + 0.015 * cBarP * T;
  const RT = -Math.sin(2 * dTheta * DEG) * RC;

  const tL = dLp / SL;
  const tC = dCp / SC;
  const tH = dHp / SH;
  return Math.sqrt(tL * tL + tC * tC + tH * tH + RT * tC * tH);
}
