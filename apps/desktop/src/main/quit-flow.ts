// How GDial ends. Closing the last window or quitting while an alert is running asks
// first (a mis-click must not pause an alert); then the engine is asked to persist what
// is in flight and the app exits once it has, or once the bound has passed. Quit
// requests that arrive while asking or draining are absorbed, so nothing is asked twice.
export interface QuitDeps {
  runningAlerts(): number;
  /** Shows the "an alert is running" question; true when the operator chose to quit. */
  confirmQuit(runningAlerts: number): Promise<boolean>;
  /** Asks the engine to drain; resolves when it has stopped (bounded by the supervisor). */
  stopEngine(): Promise<unknown>;
  /** Really exits (app.quit after before-quit lets it through). */
  exit(): void;
}

export type QuitState = 'running' | 'confirming' | 'draining' | 'done';

export class QuitFlow {
  state: QuitState = 'running';
  private confirmed = false;

  constructor(private readonly deps: QuitDeps) {}

  /**
   * For app 'before-quit': returns true when the quit may proceed now (the engine has
   * drained); otherwise the caller prevents it and this flow quits again later.
   */
  beforeQuit(): boolean {
    if (this.state === 'done') return true;
    if (this.state === 'running') void this.run();
    return false;
  }

  /**
   * For a window's 'close' while the app is not quitting: returns true when the window
   * may close. Closing the last window during an alert asks first and then quits.
   */
  windowClosing(isLastWindow: boolean): boolean {
    if (this.state === 'confirming') return false; // the question is already on screen
    if (this.state !== 'running' || !isLastWindow || this.confirmed) return true;
    const running = this.deps.runningAlerts();
    if (running === 0) return true;
    void this.ask(running).then((quit) => {
      if (quit) this.deps.exit();
    });
    return false;
  }

  private async run(): Promise<void> {
    const running = this.deps.runningAlerts();
    if (running > 0 && !this.confirmed && !(await this.ask(running))) return;
    this.state = 'draining';
    try {
      await this.deps.stopEngine();
    } finally {
      this.state = 'done';
      this.deps.exit();
    }
  }

  private async ask(running: number): Promise<boolean> {
    this.state = 'confirming';
    let quit = false;
    try {
      quit = await this.deps.confirmQuit(running);
    } catch {
      quit = false;
    }
    this.confirmed = quit;
    this.state = 'running';
    return quit;
  }
}
