/** The set of live sessions: capacity checks and graceful shutdown of all of them. */
import type { Session } from './session.ts';

export class SessionManager {
  private readonly sessions = new Set<Session>();

  constructor(readonly maxSessions: number) {}

  get size(): number {
    return this.sessions.size;
  }

  get full(): boolean {
    return this.sessions.size >= this.maxSessions;
  }

  add(session: Session): void {
    this.sessions.add(session);
    void session.ended.then(() => this.sessions.delete(session));
  }

  /** Lets every session finish its open segment (up to graceMs), then ends it. */
  async shutdown(graceMs: number): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.shutdown(graceMs)));
  }
}
