/**
 * What the bench watches from inside the page, installed before any of the page's own script
 * runs (Playwright's init script, which the page's CSP does not govern): when the first badge
 * appeared, when each live message's marker text reached the DOM, when the alarm banner
 * appeared. Times are Date.now() (the machine's clock, the same the terminal stamps the change
 * feed with) and performance.now() (since navigation start, for first paint figures).
 */
export interface PageProbes {
  readonly firstBadgeMs: number | null;
  readonly seen: Record<string, number>;
  /** When each `statement` event (by seq) reached the page's EventSource. */
  readonly arrived: Record<string, number>;
  readonly alarmAt: number | null;
}

/** Runs in the page: a MutationObserver over the whole document. */
export function installProbes(markerSource: string): void {
  const marker = new RegExp(markerSource, 'g');
  const probes = { firstBadgeMs: null as number | null, seen: {} as Record<string, number>, arrived: {} as Record<string, number>, alarmAt: null as number | null };
  (window as unknown as { __hotlineBench: typeof probes }).__hotlineBench = probes;
  // The page's own EventSource, with one more listener: when each statement event arrived.
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      this.addEventListener('statement', (e) => {
        const seq = (JSON.parse((e as MessageEvent<string>).data) as { seq: number | null }).seq;
        if (seq !== null && probes.arrived[seq] === undefined) probes.arrived[seq] = Date.now();
      });
    }
  };
  const scan = (node: Node) => {
    const text = node.textContent ?? '';
    for (const m of text.matchAll(marker)) if (probes.seen[m[1]!] === undefined) probes.seen[m[1]!] = Date.now();
    if (node instanceof Element) {
      if (probes.firstBadgeMs === null && (node.matches('[data-testid="badge"]') || node.querySelector('[data-testid="badge"]') !== null)) probes.firstBadgeMs = performance.now();
      if (probes.alarmAt === null && (node.matches('[data-testid="alarm-banner"]') || node.querySelector('[data-testid="alarm-banner"]') !== null)) probes.alarmAt = Date.now();
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) scan(n);
      if (r.type === 'characterData' && r.target.parentNode !== null) scan(r.target.parentNode);
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

/** Runs in the page: the largest contentful paint so far (ms since navigation start). */
export function largestContentfulPaint(): Promise<number> {
  return new Promise((resolve) => {
    new PerformanceObserver((list) => {
      const entries = list.getEntries();
      resolve(entries[entries.length - 1]!.startTime);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    setTimeout(() => resolve(Number.NaN), 2000);
  });
}
