// The Debian tools some tests drive (the README's test command installs them, as CI runs only
// that command on a fresh machine). Each is installed with apt-get when missing and this process
// may (root; `apt-get update` first if the package lists are stale):
// - chromium: the console's browser tests (Playwright drives Debian's chromium, never a
//   downloaded one). Required: without it `npm test` fails and prints the apt command, because a
//   console nobody tested in a browser is not tested — it never skips.
// - ss (iproute2): the console's tests reset the browser's connections with `ss -K` to force
//   event-stream disconnects the page must survive. Required, like chromium.
// - pdftoppm (poppler-utils): turns the record's PDF rendering into page images. Optional: the
//   test that uses it skips and says which package would let it run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The one chromium the browser tests launch (test/e2e/browser.ts): Debian's. */
export const CHROMIUM = '/usr/bin/chromium';

const TOOLS = [
  { name: 'chromium', present: () => existsSync(CHROMIUM), debianPackage: 'chromium', required: true },
  { name: 'ss', present: () => onPath('ss'), debianPackage: 'iproute2', required: true },
  { name: 'pdftoppm', present: () => onPath('pdftoppm'), debianPackage: 'poppler-utils', required: false },
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env }).status === 0;
  if (install()) return;
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  install();
}

/**
 * Installs what is missing if it can; true when every required tool is there afterwards (the
 * caller fails the run otherwise: the reason and the apt command are printed here).
 */
export function ensureSystemTools() {
  let missing = TOOLS.filter((t) => !t.present());
  if (missing.length === 0) return true;
  if (process.getuid?.() === 0 && onPath('apt-get')) {
    const packages = missing.map((t) => t.debianPackage);
    console.log(`installing Debian ${packages.join(', ')} for the tests (apt-get)…`);
    aptInstall(packages);
    missing = TOOLS.filter((t) => !t.present());
  }
  for (const t of missing.filter((m) => !m.required)) {
    console.log(`note: ${t.name} is missing and could not be installed here: the tests that use it skip; to run them: sudo apt-get install -y ${t.debianPackage}`);
  }
  const required = missing.filter((m) => m.required);
  for (const t of required) {
    console.error(`npm test needs ${t.name === 'chromium' ? CHROMIUM : t.name} (Debian's ${t.debianPackage}) and could not install it: run\n  sudo apt-get install -y ${t.debianPackage}\nthen npm test again`);
  }
  return required.length === 0;
}
