// Photo restoration (scratches, dust, creases, fading): the public API of core/restore.
export { synthesizeDamage, fadeGrey, applyFade, randomFade, MASK_MIN_DELTA } from './damage';
export type { DamageOptions, DamageResult, FadeParams } from './damage';
export { detectDamage, maskScores } from './detect';
export type { DetectOptions } from './detect';
export { inpaint, inpaintPlanes, inpaintInPlace } from './inpaint';
export type { InpaintOptions } from './inpaint';
export { restoreTone, tonePoints, recolorFaded, fadeColour, randomColourFade, DEFAULT_TARGET_BLACK, DEFAULT_TARGET_WHITE } from './tone';
export type { ToneOptions, RecolorOptions, ColourFadeParams } from './tone';
export { restorePixels, restorePhoto, repairPlanes, DEFAULT_REPAIR_FILL } from './restore';
export type { RestoreOptions, RepairOptions, RepairFill, RestoredPixels, RestoredPhoto } from './restore';
export { relaxHarmonic } from './harmonic';
export { lToGreyRgb, lToGrey8 } from './planes';
export { damageProbabilities, detectDamageLearned, detectDamageWhole, loadDamageNet, shippedDamageNet } from './damage-net';
export { defaultDetector } from './restore-step';
export type { DamageNet } from './damage-net';
