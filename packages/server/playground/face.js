/**
 * The animated face: each frame, the mouth eases toward the shape of the viseme being heard.
 */
import { blendShapes, mouthPath, REST, shapeForViseme } from './mouth-shapes.js';

/** Fraction of the way to the target shape covered per 60 Hz frame: quick, without snapping. */
const EASE_PER_FRAME = 0.45;

export class Face {
  #mouth;
  #currentViseme;
  #shape = REST;
  #frame = 0;
  #lastTime = 0;

  /** @param {SVGPathElement} mouth  @param {() => number} currentViseme the viseme id heard now */
  constructor(mouth, currentViseme) {
    this.#mouth = mouth;
    this.#currentViseme = currentViseme;
  }

  start() {
    const tick = (time) => {
      const frames = this.#lastTime ? Math.min(4, (time - this.#lastTime) / (1000 / 60)) : 1;
      this.#lastTime = time;
      const visemeId = this.#currentViseme();
      const target = shapeForViseme(visemeId);
      this.#shape = blendShapes(this.#shape, target, 1 - (1 - EASE_PER_FRAME) ** frames);
      const d = mouthPath(this.#shape);
      if (this.#mouth.getAttribute('d') !== d) this.#mouth.setAttribute('d', d);
      this.#mouth.dataset.viseme = String(visemeId);
      this.#frame = requestAnimationFrame(tick);
    };
    this.#frame = requestAnimationFrame(tick);
  }

  stop() {
    cancelAnimationFrame(this.#frame);
    this.#shape = REST;
    this.#mouth.setAttribute('d', mouthPath(REST));
  }
}
