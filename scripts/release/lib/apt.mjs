// A private apt: its own sources list, package lists and cache under a
// directory of ours, so fetching Debian's source packages or another
// architecture's .debs never touches the machine's apt state (no
// `dpkg --add-architecture`, no install, no version coupling with what the
// host has installed). apt checks every file it fetches against the
// archive's signed InRelease (debian-archive-keyring), which is the
// verification the release build relies on.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const REFRESH_MS = 6 * 3600 * 1000;

/**
 * @param {string} dir  private state directory (created)
 * @param {{suite: string, arches: string[], src?: boolean}} opts
 *   suite: 'bookworm' or 'bullseye' (with its -updates and -security)
 */
export function privateApt(dir, { suite, arches, src = false }) {
  const lists = join(dir, 'lists');
  mkdirSync(join(lists, 'partial'), { recursive: true });
  mkdirSync(join(dir, 'cache', 'archives', 'partial'), { recursive: true });
  const types = src ? 'deb deb-src' : 'deb';
  const security = `${suite}-security`;
  writeFileSync(join(dir, 'debian.sources'),
    `Types: ${types}\nURIs: http://deb.debian.org/debian\nSuites: ${suite} ${suite}-updates\nComponents: main\nSigned-By: ${KEYRING}\n\n` +
    `Types: ${types}\nURIs: http://deb.debian.org/debian-security\nSuites: ${security}\nComponents: main\nSigned-By: ${KEYRING}\n`);
  const opts = ['-o', 'Dir::Etc::SourceList=/dev/null', '-o', `Dir::Etc::SourceParts=${dir}`,
    '-o', `Dir::State::Lists=${lists}`, '-o', `Dir::Cache=${join(dir, 'cache')}`,
    '-o', 'Dir::State::status=/dev/null', '-o', `APT::Architecture=${arches[0]}`,
    '-o', `APT::Architectures=${arches.join(',')}`, '-o', 'Acquire::Languages=none', '-qq'];
  const run = (args, cwd) => execFileSync('apt-get', [...opts, ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000, encoding: 'utf8' });
  const policy = (pkgs) => execFileSync('apt-cache', [...opts, 'policy', ...pkgs], { encoding: 'utf8' });
  // A refresh less than REFRESH_MS old is reused: a second release build
  // in a row needs no network (the archive's indexes change about daily).
  const stamp = join(dir, 'updated');
  let updated = existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < REFRESH_MS;
  const update = () => {
    if (updated) return;
    run(['update']);
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
    updated = true;
  };
  return {
    /** Candidate version of a (binary) package in this suite, e.g. "2.30.0-5". */
    version(pkg) {
      return this.versions([pkg])[0];
    },
    /** Candidate versions of several packages, in one apt-cache run. */
    versions(pkgs) {
      update();
      // "name[:arch]:\n  Installed: ...\n  Candidate: X\n ..." per package, in order
      const found = [...policy(pkgs).matchAll(/Candidate: (\S+)/g)].map((m) => m[1]);
      if (found.length !== pkgs.length || found.includes('(none)')) throw new Error(`${pkgs.join(' ')}: not all in ${suite}`);
      return found;
    },
    /** Download binary .debs (name:arch=version) into `into`; returns their paths. */
    download(specs, into) {
      update();
      mkdirSync(into, { recursive: true });
      const before = new Set(readdirSync(into));
      run(['download', ...specs], into);
      return readdirSync(into).filter((f) => f.endsWith('.deb') && !before.has(f)).map((f) => join(into, f));
    },
    /** Download a source package's files (pkg=version) into `into`; returns the file names. */
    source(spec, into) {
      update();
      mkdirSync(into, { recursive: true });
      run(['source', '--download-only', spec], into);
      return readdirSync(into);
    },
  };
}

/** Unpack a .deb's data into `root` (dpkg-deb -x: no maintainer scripts, no dpkg database). */
export function extractDeb(deb, root) {
  mkdirSync(root, { recursive: true });
  execFileSync('dpkg-deb', ['-x', deb, root]);
}

/** Idempotent directory result: build into `dir`.tmp, then rename; reuse `dir` if `stamp` exists in it. */
export function cachedDir(dir, stamp, build) {
  if (existsSync(join(dir, stamp))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  build(tmp);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mv', [tmp, dir]);
  if (!existsSync(join(dir, stamp))) throw new Error(`${dir}: build did not produce ${stamp}`);
  return dir;
}
