/**
 * Alarms a person notices (issue 13 item 4): a browser notification for each new alarm (or new
 * escalation level), a sound, and a title/tab indicator, for as long as the board shows the
 * alarm — it ends only when the terminal says it is acknowledged, never by a click here.
 *
 * Browsers allow sound and the permission prompt only after a user gesture: the first click or
 * key on the page asks for notification permission and unlocks the AudioContext.
 */
import type { ActiveAlarm } from './alarm-state.js';

/** How often the sound repeats while an alarm stays open, by level: the worse, the more often. */
const REPEAT_MS: Readonly<Record<string, number>> = { critical: 10_000, silent: 15_000, escalated: 15_000, flash: 20_000, late: 30_000, overdue: 30_000 };

export class Notifier {
  private audio: AudioContext | undefined;
  private gesture = false;
  private readonly seen = new Set<string>();
  private repeat: ReturnType<typeof setInterval> | undefined;
  private repeatMs = 0;
  private level: string | null = null;
  private current: readonly ActiveAlarm[] = [];
  private describe: (a: ActiveAlarm) => string = () => '';

  constructor(private readonly onUnlock: () => void) {}

  /** Call once: listens for the first user gesture. */
  install(): void {
    const unlock = () => {
      window.removeEventListener('pointerdown', unlock, true);
      window.removeEventListener('keydown', unlock, true);
      this.unlock();
    };
    window.addEventListener('pointerdown', unlock, true);
    window.addEventListener('keydown', unlock, true);
  }

  get unlocked(): boolean {
    return this.gesture;
  }

  unlock(): void {
    if (this.gesture) return;
    this.gesture = true;
    if ('Notification' in window && Notification.permission === 'default') {
      // Alarms already open when permission is granted are notified then: they are still unacknowledged.
      void Notification.requestPermission()
        .then((p) => p === 'granted' && this.current.forEach((a) => this.notify(a, this.describe(a))))
        .catch(() => undefined);
    }
    try {
      this.audio = new AudioContext();
      void this.audio.resume();
    } catch {
      this.audio = undefined; // no audio device: notification and title still work
    }
    this.onUnlock();
    if (this.level !== null) this.beep(this.level);
  }

  /** The alarms the board shows now; `describe` gives each one's words for the notification. */
  update(alarms: readonly ActiveAlarm[], worst: string | null, title: string, describe: (a: ActiveAlarm) => string): void {
    document.title = title;
    this.current = alarms;
    this.describe = describe;
    const fresh = alarms.filter((a) => !this.seen.has(a.key));
    const keys = new Set(alarms.map((a) => a.key));
    for (const k of this.seen) if (!keys.has(k)) this.seen.delete(k);
    for (const a of fresh) {
      this.seen.add(a.key);
      this.notify(a, describe(a));
    }
    if (fresh.length > 0 && worst !== null) this.beep(worst);
    this.level = worst;
    const every = worst === null ? 0 : (REPEAT_MS[worst] ?? 30_000);
    if (every !== this.repeatMs) {
      clearInterval(this.repeat);
      this.repeatMs = every;
      this.repeat = every === 0 ? undefined : setInterval(() => this.level !== null && this.beep(this.level), every);
    }
  }

  private notify(a: ActiveAlarm, body: string): void {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(document.title, { body, tag: a.key, requireInteraction: true });
      n.onclick = () => window.focus();
    } catch {
      // Some browsers allow notifications only from a service worker; the title and sound remain.
    }
  }

  /** Two short tones, three for critical; nothing before a user gesture (browsers forbid it). */
  private beep(level: string): void {
    const ctx = this.audio;
    if (ctx === undefined || ctx.state === 'closed') return;
    const tones = level === 'critical' ? 3 : 2;
    const start = ctx.currentTime + 0.02;
    for (let i = 0; i < tones; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = i % 2 === 0 ? 880 : 660;
      const t = start + i * 0.28;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.22);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.24);
    }
  }
}
