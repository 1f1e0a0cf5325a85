// The Debian tools some tests drive (the README's test command installs them, as CI runs only
// that command on a fresh machine): pdftoppm turns the record's PDF rendering into page images.
// Installed with apt-get when missing and this process may (root); otherwise the tests that need
// a tool skip and say which package would let them run.
import { spawnSync } from 'node:child_process';

const TOOLS = [{ command: 'pdftoppm', debianPackage: 'poppler-utils' }];

function present(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function ensureSystemTools() {
  const missing = TOOLS.filter((t) => !present(t.command));
  if (missing.length === 0) return;
  const packages = missing.map((t) => t.debianPackage);
  const canInstall = process.getuid?.() === 0 && present('apt-get');
  if (!canInstall) {
    console.log(`note: ${missing.map((t) => t.command).join(', ')} missing and not installable here (needs root and apt-get): the tests that use them skip; install Debian ${packages.join(', ')} to run them`);
    return;
  }
  console.log(`installing Debian ${packages.join(', ')} for the tests (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    result = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  }
  if (result.status !== 0) console.log(`note: apt-get could not install ${packages.join(', ')}: the tests that use them skip`);
}
