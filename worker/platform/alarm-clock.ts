// One alarm per object for every kind of timed work: armed for the earliest
// due time (rules/alarm-plan.ts), never moved when an earlier one is still to
// run, and held back with a doubling pause after an alarm that left work
// undone, so a failing wallet is not retried in a tight loop.
import { planAlarm } from "../rules/alarm-plan.ts";

export class AlarmClock {
  readonly #storage: DurableObjectStorage;
  #armedAt: number | null = null;
  #retryMs = 0;
  #notBefore = 0;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  /**
   * After a crash or an eviction: learn the alarm already set, so it is never
   * moved later. Whether one was found: while the runtime delivers an alarm,
   * `getAlarm()` answers null, and setting an alarm before the handler starts
   * cancels that run (workerd logs "alarm handler canceled"), so with none
   * found the caller must not arm until an entry point plans again.
   */
  async load(): Promise<boolean> {
    this.#armedAt = await this.#storage.getAlarm();
    return this.#armedAt !== null;
  }

  /** The alarm is running: none is armed until it plans again. */
  fired(): void {
    this.#armedAt = null;
  }

  /** The alarm's work is over; `behind` when some was left undone. */
  finished(behind: boolean): void {
    this.#retryMs = behind ? Math.min(Math.max(this.#retryMs * 2, 500), 30_000) : 0;
    this.#notBefore = behind ? Date.now() + this.#retryMs : 0;
  }

  /** Arm for the earliest of `due`. */
  arm(due: (number | null)[]): void {
    const next = planAlarm({ now: Date.now(), due, armedAt: this.#armedAt, notBefore: this.#notBefore });
    if (next === null) return;
    this.#armedAt = next;
    void this.#storage.setAlarm(next);
  }
}
