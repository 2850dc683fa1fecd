import { accessSync, constants, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

export interface MariaDbBinaries {
  server: string;
  installDb: string;
  /** Installation prefix, which mariadb-install-db needs to find its SQL scripts. */
  baseDir: string;
}

// Debian puts the server in /usr/sbin, which is not in a normal user's PATH; Homebrew uses
// /opt/homebrew (Apple silicon) or /usr/local.
const EXTRA_DIRS = ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin", "/opt/homebrew/bin"];

export const INSTALL_HINT = [
  "The tests need a MariaDB server and found none (looked for mariadbd/mysqld and",
  "mariadb-install-db/mysql_install_db in PATH, /usr/sbin, /usr/bin and /usr/local/bin).",
  "Either install MariaDB so the tests can start a throwaway server of their own:",
  "  Debian/Ubuntu: sudo apt-get install -y mariadb-server",
  "  macOS:         brew install mariadb",
  "or point them at an existing server (each test file creates and drops its own database):",
  "  TEST_DATABASE_URL=mysql://user:pass@host:port npm test",
].join("\n");

export function findMariaDbBinaries(): MariaDbBinaries {
  const server = findExecutable(["mariadbd", "mysqld"]);
  const installDb = findExecutable(["mariadb-install-db", "mysql_install_db"]);
  if (!server || !installDb) throw new Error(INSTALL_HINT);
  // <prefix>/sbin/mariadbd -> <prefix>; realpath first because Homebrew links into its Cellar.
  return { server, installDb, baseDir: dirname(dirname(realpathSync(server))) };
}

function findExecutable(names: string[]): string | undefined {
  const pathDirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  const dirs = [...new Set([...pathDirs, ...EXTRA_DIRS])];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
