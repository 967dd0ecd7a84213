/**
 * A plan's schedule as times: the cron expression (five fields, or six with
 * seconds first) read by croner in the schedule's time zone.
 */
import { Cron } from 'croner';
import { SegUserError } from '../errors';

export interface PlanSchedule {
  readonly cron: string;
  readonly timezone: string;
}

/** How far back to look for the last scheduled time: beyond any sensible schedule's gap. */
const LOOK_BACK_LIMIT_MS = 5 * 366 * 24 * 3600 * 1000;

export class ScheduleTimes {
  readonly #cron: Cron;

  constructor(
    readonly plan: string,
    readonly schedule: PlanSchedule,
  ) {
    try {
      // Paused: croner only computes times here; the scheduler keeps its own timers.
      this.#cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
      // croner reads the time zone only when it computes a time.
      this.#cron.nextRun();
    } catch (error) {
      throw new SegUserError(`plan ${plan}: schedule "${schedule.cron}" in "${schedule.timezone}": ${(error as Error).message}`, { cause: error });
    }
  }

  /** The first scheduled time strictly after `at`, or null when there is none. */
  next(at: Date): Date | null {
    return this.#cron.nextRun(at);
  }

  /**
   * The last scheduled time at or before `at`, or null. croner only looks
   * forward, so look back over a doubling span until a time falls inside it,
   * then step forward to the last one: cheap for any schedule.
   */
  last(at: Date): Date | null {
    for (let span = 1000; span <= LOOK_BACK_LIMIT_MS; span *= 2) {
      let fire = this.#cron.nextRun(new Date(at.getTime() - span));
      if (!fire || fire > at) continue;
      for (;;) {
        const following = this.#cron.nextRun(fire);
        if (!following || following > at) return fire;
        fire = following;
      }
    }
    return null;
  }

  /** "0 6 * * MON in Australia/Sydney", for log lines. */
  describe(): string {
    return `"${this.schedule.cron}" in ${this.schedule.timezone}`;
  }
}
