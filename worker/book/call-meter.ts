// Calls into one object, counted per wall-clock second: the busiest second so
// far and the total. In memory only; what a benchmark reads to check that no
// object takes more than its share.
export interface CallStats {
  total: number;
  /** The most calls seen in any one second. */
  peak: number;
  /** Whole seconds over which they were counted. */
  seconds: number;
}

export class CallMeter {
  #second = 0;
  #count = 0;
  #peak = 0;
  #total = 0;
  #first = 0;

  hit(now = Date.now()): void {
    const second = Math.floor(now / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#count = 0;
      if (this.#first === 0) this.#first = second;
    }
    this.#count++;
    this.#total++;
    if (this.#count > this.#peak) this.#peak = this.#count;
  }

  stats(now = Date.now()): CallStats {
    return { total: this.#total, peak: this.#peak, seconds: this.#first === 0 ? 0 : Math.floor(now / 1000) - this.#first + 1 };
  }

  reset(): void {
    this.#count = 0;
    this.#peak = 0;
    this.#total = 0;
    this.#first = 0;
    this.#second = 0;
  }
}
