// How big a comparison run is: the full run (the figures in docs/benchmarks.md)
// or --quick (every system and scenario, smaller and once, under two minutes).

export interface Plan {
  quick: boolean;
  /** Each point is measured this many times (a fresh server each time); medians are reported. */
  repeats: number;
  subscribers: number;
  /** Odds changes a second in the steady fan-out. */
  rate: number;
  fanoutUpdates: number;
  warmup: number;
  /** The goal burst: this many changes inside one second. */
  burstUpdates: number;
  /**
   * Saturation: update rates tried in order (at `subscribers`), each for
   * `saturationSeconds`; stops at the first step with p99 >= 100 ms or a lost
   * frame, then tries once between the last step that passed and that one.
   */
  saturationRates: number[];
  saturationSeconds: number;
  /** Polling: how long changes are published while `subscribers` clients poll every `pollIntervalMs`. */
  pollSeconds: number;
  pollIntervalMs: number;
  /**
   * Pollers: fewer than the subscribers, because on wrangler dev a poll costs a few
   * ms of server CPU and a thousand a second would swamp the server's one core;
   * the staleness polling adds is then queueing, not the interval. The CPU per poll
   * is reported, so the cost of more pollers can be read off it.
   */
  pollers: number;
  /** Bets while broadcasting: punters, bets each keeps in flight, and how long. */
  punters: number;
  betInflight: number;
  betSeconds: number;
  /** Most publishes in flight at once (the schedule is open-loop up to this). */
  inflight: number;
  /** Setup: sockets opened at once. */
  openConcurrency: number;
  /** The second fan-out size (after the big one): viewers kept open. */
  smallSubscribers: number;
  /** Bets alone on one market: punters (a socket each) and how long. */
  betPunters: number;
  betsAloneSeconds: number;
  /** Sockets that resume from seq 0 at once while the small fan-out runs, and for how long it runs. */
  stormSockets: number;
  stormSeconds: number;
}

export const FULL: Plan = {
  quick: false,
  repeats: 3,
  subscribers: 1000,
  rate: 20,
  fanoutUpdates: 160,
  warmup: 20,
  burstUpdates: 100,
  saturationRates: [5, 10, 20, 40, 80, 160, 320],
  saturationSeconds: 3,
  pollSeconds: 8,
  pollIntervalMs: 1000,
  pollers: 100,
  punters: 20,
  betInflight: 4,
  betSeconds: 8,
  inflight: 32,
  openConcurrency: 50,
  smallSubscribers: 200,
  betPunters: 200,
  betsAloneSeconds: 8,
  stormSockets: 20,
  stormSeconds: 6,
};

export const QUICK: Plan = {
  quick: true,
  repeats: 1,
  subscribers: 200,
  rate: 20,
  fanoutUpdates: 60,
  warmup: 10,
  burstUpdates: 100,
  saturationRates: [10, 30, 90, 270, 810],
  saturationSeconds: 1,
  pollSeconds: 3,
  pollIntervalMs: 1000,
  pollers: 50,
  punters: 10,
  betInflight: 4,
  betSeconds: 3,
  inflight: 32,
  openConcurrency: 50,
  smallSubscribers: 50,
  betPunters: 50,
  betsAloneSeconds: 3,
  stormSockets: 10,
  stormSeconds: 3,
};

/** The p99 a saturation step must stay under. */
export const SATURATION_P99_MS = 100;
