/**
 * A mouth for each of Azure's 22 viseme ids (docs/animation.md), as how open, how wide and how
 * rounded the lips are, each in [0, 1]; and the SVG path that draws one.
 */

const shape = (open, wide, round = 0) => ({ open, wide, round });

export const VISEME_SHAPES = [
  shape(0, 0.5), // 0 silence
  shape(0.45, 0.6), // 1 æ ə ʌ
  shape(0.8, 0.5), // 2 ɑ
  shape(0.6, 0.4, 0.4), // 3 ɔ
  shape(0.4, 0.65), // 4 ɛ ʊ
  shape(0.3, 0.4, 0.45), // 5 ɝ
  shape(0.18, 0.85), // 6 j i ɪ
  shape(0.15, 0.2, 0.9), // 7 w u
  shape(0.45, 0.3, 0.7), // 8 o
  shape(0.7, 0.45, 0.2), // 9 aʊ
  shape(0.5, 0.4, 0.5), // 10 ɔɪ
  shape(0.7, 0.6), // 11 aɪ
  shape(0.35, 0.55), // 12 h
  shape(0.2, 0.35, 0.5), // 13 ɹ
  shape(0.3, 0.55), // 14 l
  shape(0.08, 0.75), // 15 s z
  shape(0.12, 0.35, 0.6), // 16 ʃ tʃ dʒ ʒ
  shape(0.2, 0.55), // 17 ð
  shape(0.06, 0.6), // 18 f v
  shape(0.2, 0.6), // 19 d t n θ
  shape(0.25, 0.55), // 20 k g ŋ
  shape(0, 0.45), // 21 p b m
];

export const REST = VISEME_SHAPES[0];

export function shapeForViseme(id) {
  return VISEME_SHAPES[id] ?? REST;
}

/** `from` moved `fraction` of the way to `to`. */
export function blendShapes(from, to, fraction) {
  const mix = (a, b) => a + (b - a) * fraction;
  return shape(mix(from.open, to.open), mix(from.wide, to.wide), mix(from.round, to.round));
}

/**
 * The lips around (cx, cy): two quadratic curves meeting at the corners (a curve reaches half
 * way to its control point); closed, they are one line.
 */
export function mouthPath({ open, wide, round }, cx = 100, cy = 140) {
  const half = 16 + 26 * wide - 12 * round;
  const upper = cy - 4 - 16 * open - 10 * round;
  const lower = cy + 4 + 56 * open + 10 * round;
  const f = (n) => n.toFixed(1);
  return `M ${f(cx - half)} ${f(cy)} Q ${f(cx)} ${f(upper)} ${f(cx + half)} ${f(cy)} Q ${f(cx)} ${f(lower)} ${f(cx - half)} ${f(cy)} Z`;
}
