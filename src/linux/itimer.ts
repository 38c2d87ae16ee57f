/**
 * The process's real-time interval timer (ITIMER_REAL), which alarm and
 * setitimer set: when it comes due the process is sent SIGALRM, and an
 * interval reloads it (a reload that finds the timer overrun by more than
 * an interval starts the next one from now: one pending SIGALRM stands for
 * all missed ones, as on Linux). Times are the host's monotonic clock, ms
 * (performance.now).
 *
 * Who looks: the dispatcher between guest blocks (Process.tick, at most
 * every 256 interpreted blocks and after every call into translated code,
 * which returns to it at least every CHAIN_BUDGET x LINK_BUDGET block
 * transitions) and sleeping system calls, which wake for it
 * (Process.sleepUntil). So a signal arrives a little after its time, as on
 * a kernel that delivers it at its next tick.
 */
/** A timer setting, ms: time until it comes due (0: disarmed) and its reload interval. */
export interface TimerValue {
  valueMs: number;
  intervalMs: number;
}

/** What an armed timer past its time reads as, ms. */
const ABOUT_TO_FIRE_MS = 0.001;

export class RealTimer {
  /** When it comes due; Infinity when disarmed. */
  due = Infinity;
  private interval = 0;

  /**
   * What it is set to now. Past its time but not yet expired (the dispatcher looks between blocks),
   * it is still armed and reads as about to fire, 1 us, as Linux reads a timer whose expiry has
   * not run yet: read as 0, a periodic timer looked disarmed (the alarms guest program, on a loaded
   * machine).
   */
  get(now: number): TimerValue {
    return { valueMs: this.due === Infinity ? 0 : Math.max(this.due - now, ABOUT_TO_FIRE_MS), intervalMs: this.interval };
  }

  /** Arms it (valueMs 0 disarms it); returns its previous setting. */
  set(now: number, v: TimerValue): TimerValue {
    const old = this.get(now);
    this.due = v.valueMs > 0 ? now + v.valueMs : Infinity;
    this.interval = v.valueMs > 0 ? v.intervalMs : 0;
    return old;
  }

  /** Whether it has come due by now; if so it is reloaded or disarmed. */
  expire(now: number): boolean {
    if (now < this.due) return false;
    if (this.interval > 0) {
      this.due += this.interval;
      if (this.due <= now) this.due = now + this.interval;
    } else this.due = Infinity;
    return true;
  }
}
