// One alarm per object for every kind of timed work: armed for the earliest
// due time (rules/alarm-plan.ts), never moved when an earlier one is still to
// come, and held back with a doubling pause after an alarm that left work
// undone, so a failing wallet is not retried in a tight loop.
import { planAlarm } from "../rules/alarm-plan.ts";

export class AlarmClock {
  readonly #storage: DurableObjectStorage;
  readonly #reapEveryMs: number;
  #armedAt: number | null = null;
  #retryMs = 0;
  #notBefore = 0;

  constructor(storage: DurableObjectStorage, reapEveryMs: number) {
    this.#storage = storage;
    this.#reapEveryMs = reapEveryMs;
  }

  /**
   * After a crash or an eviction: learn the alarm already set, so it is never
   * moved. This instance may have been woken to run it, and changing it now
   * would cancel that run.
   */
  async load(): Promise<void> {
    this.#armedAt = await this.#storage.getAlarm();
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

  /**
   * Arm for the earliest of `due`. `sockets` is asked only when no alarm is
   * armed within the reaping period anyway (counting lists every socket).
   */
  arm(due: (number | null)[], reapAt: number, sockets: () => boolean): void {
    const now = Date.now();
    const armedSoon = this.#armedAt !== null && this.#armedAt > now && this.#armedAt <= now + this.#reapEveryMs;
    const next = planAlarm({
      now,
      due,
      armedAt: this.#armedAt,
      sockets: !armedSoon && sockets(),
      reapAt,
      reapEveryMs: this.#reapEveryMs,
      notBefore: this.#notBefore,
    });
    if (next === null) return;
    this.#armedAt = next;
    void this.#storage.setAlarm(next);
  }
}
