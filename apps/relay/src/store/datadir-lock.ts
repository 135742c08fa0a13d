// Embedded PGlite is one process per data directory; a second one would corrupt it. A lock
// file holding the owner's pid enforces that; a lock left by a killed process is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export type DataDirLock = { ok: true; release: () => void } | { ok: false; problem: string };

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'relay.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { ok: true, release: () => rmSync(file, { force: true }) };
    } catch {
      const pid = Number(readFileSync(file, 'utf8'));
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
      if (alive) {
        return {
          ok: false,
          problem: `Another relay process (pid ${pid}) uses the data directory ${dataDir}; stop it first, or use DATABASE_URL.`,
        };
      }
      rmSync(file, { force: true });
    }
  }
  return { ok: false, problem: `Cannot lock the data directory ${dataDir}` };
}
