"""The production-shaped stack on one machine, driven by the Procfile: N gunicorn nodes (web), N Celery
workers (worker) and one beat against a PostgreSQL database of its own, with the stack's own redis-server
on a spare loopback port (stopping it touches no other Redis) and a switchable SMTP sink (aiosmtpd).

Used by the fault suite (bench/faults/run.py) and the load run (bench/load/run.py); run it by hand with

    .venv/bin/python bench/faults/stack.py            # until Ctrl-C; prints the URLs

Every process runs in its own process group and dies with the driver (SIGTERM on parent death), and
`Stack` stops them all on exit, on an exception, on SIGTERM/SIGINT and after its time bound.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
SECRET_KEY = "stack-only-not-secret-Qm7#vR2@pL9$wX4&nB6*kD8!hJ3^tZ5"
CSRF = "stackCsrfToken0123456789abcdefAB"  # 32 characters: Django accepts an unmasked secret in cookie and form


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def report(name: str, value, unit: str) -> None:
    shown = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"BENCH {name} {shown} {unit}", flush=True)


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_ports(first: int, last: int, count: int, taken: set[int] | None = None) -> list[int]:
    taken = taken or set()
    ports = [port for port in range(first, last + 1) if port not in taken and port_free(port)][:count]
    if len(ports) < count:
        raise RuntimeError(f"not {count} free ports in {first}-{last}")
    return ports


def read_procfile(path: Path = ROOT / "Procfile") -> dict[str, str]:
    entries = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_]+):\s*(.+)$", line)
        if match:
            entries[match.group(1)] = match.group(2)
    return entries


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the driver dies, and a process group of its own."""
    os.setsid()
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Process:
    def __init__(self, name: str, command: list[str], env: dict, logfile: Path):
        self.name, self.command, self.env, self.logfile = name, command, env, logfile
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        out = open(self.logfile, "ab")
        self.popen = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        out.close()

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.popen is not None:
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, grace: float = 10.0) -> None:
        if self.popen is None:
            return
        if self.alive:
            self.signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # The whole group, also children of a parent that already exited.
        self.signal_group(signal.SIGKILL)
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.popen = None


class Stack:
    """`with Stack(...) as stack:` prepares the database, starts everything and always stops it."""

    def __init__(self, *, db_name: str, web_nodes: int = 2, web_workers: int = 2, workers: int = 2,
                 sweep_seconds: float = 5, seed_cases: int = 2000, time_bound: int = 1800):
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{db_name}-"))
        self.var = self.workdir / "var"
        self.var.mkdir()
        self.db_name, self.seed_cases, self.time_bound = db_name, seed_cases, time_bound
        self.redis_port = pick_ports(6391, 6399, 1)[0]
        self.smtp_port = pick_ports(2525, 2535, 1)[0]
        self.web_ports = pick_ports(8201, 8299, web_nodes)
        self.web_nodes, self.web_workers, self.workers = web_nodes, web_workers, workers
        self.sweep_seconds = sweep_seconds
        self.mail_log = self.workdir / "mail.jsonl"
        self.mail_log.touch()
        self.processes: dict[str, Process] = {}
        self.keep_logs = bool(os.environ.get("STACK_KEEP_LOGS"))  # set when a figure is off target
        self.procfile = read_procfile()
        server = os.environ.get("DATABASE_URL", "")
        if not server.startswith(("postgres://", "postgresql://")):
            server = "postgres://postgres@127.0.0.1:5432/postgres"
        parts = urlsplit(server)
        self.admin_url = urlunsplit(parts._replace(path="/postgres", query=""))
        self.database_url = urlunsplit(parts._replace(path=f"/{db_name}", query=""))
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}"

    # --- environment ----------------------------------------------------------------------------
    def env(self, application: str, **extra) -> dict:
        """The production settings (DEBUG off, a SECRET_KEY, manifest static files) on plain HTTP loopback."""
        env = {key: value for key, value in os.environ.items()
               if key not in ("DEBUG", "FASTHOLDELSE_DEMO", "FASTHOLDELSE_TESTING", "DJANGO_SETTINGS_MODULE")}
        env.update({
            "PATH": f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}",
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "fastholdelse.settings",
            "DEBUG": "0",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.web_ports[0]}",
            "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "FASTHOLDELSE_VAR_DIR": str(self.var),
            "MEDIA_ROOT": str(self.var / "media"),  # shared by every node, as production's shared volume
            # Each process names its database connections, so a scenario can find (and kill) them.
            "DATABASE_URL": f"{self.database_url}?application_name={application}",
            # One Redis, two databases: the broker and the cache can be scaled apart.
            "REDIS_URL": f"{self.redis_url}/0",
            "CELERY_BROKER_URL": f"{self.redis_url}/0",
            "CACHE_URL": f"{self.redis_url}/1",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.smtp_port),
            # The loopback sink speaks plain SMTP; production keeps STARTTLS on (EMAIL_USE_TLS defaults on).
            "EMAIL_USE_TLS": "0",
            "DEADLINE_SWEEP_SECONDS": str(self.sweep_seconds),
            # Every POST comes from 127.0.0.1: the per-address limit would measure itself, not the app.
            "FASTTRACK_RATE_LIMIT": "1000000",
            "LOG_LEVEL": "WARNING",
        })
        env.update(extra)
        return env

    def manage(self, *args: str, timeout: int = 900) -> None:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env("fh-setup"),
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def prepare_database(self) -> None:
        import psycopg2

        admin = psycopg2.connect(self.admin_url)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{self.db_name}" TEMPLATE template0 ENCODING \'UTF8\'')
        admin.close()
        started = time.monotonic()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("seed_demo", "--force")
        if self.seed_cases:
            self.manage("seed_scale", "--cases", str(self.seed_cases))
        log(f"database {self.db_name} migrated and seeded in {time.monotonic() - started:.0f} s")

    def django(self) -> None:
        """Set this (driver) process up for the ORM on the stack's database."""
        os.environ.update(self.env("fh-driver"))
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    # --- processes --------------------------------------------------------------------------------
    def _add(self, name: str, command: list[str], env: dict) -> Process:
        process = self.processes[name] = Process(name, command, env, self.workdir / f"{name}.log")
        return process

    def _procfile(self, kind: str, name: str, port: int, **extra) -> Process:
        env = self.env(f"fh-{name}", PORT=str(port), **extra)
        return self._add(name, ["bash", "-c", f"exec {self.procfile[kind]}"], env)

    def build(self) -> None:
        self._add("redis", [REDIS_SERVER, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                            "--appendonly", "no", "--dir", str(self.workdir)], os.environ.copy())
        self._add("smtp", [sys.executable, str(Path(__file__).with_name("smtp_sink.py")), "--port",
                           str(self.smtp_port), "--out", str(self.mail_log)], os.environ.copy())
        access_format = "%(m)s %(U)s %(s)s %(L)s"
        for index, port in enumerate(self.web_ports, start=1):
            access_log = self.workdir / f"web{index}-access.log"
            self._procfile("web", f"web{index}", port, BIND_HOST="127.0.0.1", WEB_CONCURRENCY=str(self.web_workers),
                           GUNICORN_CMD_ARGS=f"--access-logfile {access_log} --access-logformat '{access_format}' "
                                             f"--timeout 60 --graceful-timeout 5")
        for index in range(1, self.workers + 1):
            self._procfile("worker", f"worker{index}", index)
        self._procfile("beat", "beat", 0)

    def start(self, name: str) -> None:
        self.processes[name].start()

    def stop(self, name: str) -> None:
        self.processes[name].stop()

    def kill(self, name: str) -> None:
        """SIGKILL the process and its children (a crash or the OOM killer, no shutdown code runs)."""
        self.processes[name].signal_group(signal.SIGKILL)
        self.processes[name].popen.wait(timeout=10)

    def web_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.web_ports]

    def access_logs(self) -> list[Path]:
        return [self.workdir / f"web{index}-access.log" for index in range(1, self.web_nodes + 1)]

    def wait_redis(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def wait_log(self, name: str, pattern: str, timeout: float = 60, after: int = 0) -> None:
        """Wait for `pattern` in the process's log, written after byte `after`."""
        deadline = time.monotonic() + timeout
        path = self.processes[name].logfile
        while time.monotonic() < deadline:
            if not self.processes[name].alive:
                raise RuntimeError(f"{name} exited:\n{path.read_text()[-3000:]}")
            if re.search(pattern, path.read_bytes()[after:].decode(errors="replace")):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{name}: no {pattern!r} within {timeout} s:\n{path.read_text()[-3000:]}")

    def log_size(self, name: str) -> int:
        return self.processes[name].logfile.stat().st_size if self.processes[name].logfile.exists() else 0

    def healthz(self, base: str, timeout: float = 2.0) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")
        except OSError:
            return 0, {}

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.healthz(base)[0] == 200 for base in self.web_urls()):
                return
            for name in self.processes:
                if name.startswith("web") and not self.processes[name].alive:
                    raise RuntimeError(f"{name} exited:\n{self.processes[name].logfile.read_text()[-3000:]}")
            time.sleep(0.3)
        raise RuntimeError(f"/healthz not 200 on every node within {timeout} s: "
                           f"{[self.healthz(base) for base in self.web_urls()]}")

    def start_all(self) -> None:
        self.build()
        self.start("redis")
        self.wait_redis()
        self.start("smtp")
        for name in self.processes:
            if name.startswith(("web", "worker", "beat")):
                self.start(name)
        self.wait_healthy()
        for name in self.processes:
            if name.startswith("worker"):
                self.wait_log(name, r"ready\.")
        self.wait_log("beat", r"beat: Starting")
        log(f"stack up: web {', '.join(self.web_urls())} ({self.web_workers} workers each), "
            f"{self.workers} Celery workers, 1 beat, redis :{self.redis_port}, SMTP sink :{self.smtp_port}, "
            f"PostgreSQL {self.db_name}; logs in {self.workdir}")

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            try:
                self.processes[name].stop()
            except Exception as error:  # keep stopping the others
                log(f"stopping {name}: {error}")

    # --- cleanup guarantees -----------------------------------------------------------------------
    def __enter__(self) -> Stack:
        def bail(signum, frame):
            raise SystemExit(f"stopped by signal {signum}")

        def too_long(signum, frame):
            raise TimeoutError(f"the run exceeded its time bound of {self.time_bound} s")

        signal.signal(signal.SIGTERM, bail)
        signal.signal(signal.SIGALRM, too_long)
        signal.alarm(self.time_bound)
        try:
            self.prepare_database()
            self.start_all()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc) -> None:
        signal.alarm(0)
        self.stop_all()
        if exc[0] is None and not self.keep_logs:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            log(f"logs kept in {self.workdir}")

    # --- counting -----------------------------------------------------------------------------------
    def web_log_offsets(self) -> dict[str, int]:
        return {name: self.log_size(name) for name in self.processes if name.startswith("web")}

    def error_sites(self, offsets: dict[str, int]) -> dict[str, int]:
        """Where the web nodes' tracebacks since `offsets` left the project's code: {"file:line in f": n}."""
        frame = re.compile(r'^\s+File "(?P<path>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)')
        sites: dict[str, int] = {}
        for name, offset in offsets.items():
            last, inside = None, False
            for line in self.processes[name].logfile.read_bytes()[offset:].decode(errors="replace").splitlines():
                match = frame.match(line)
                if line.startswith("Traceback"):
                    inside, last = True, None
                elif match and inside:
                    path = match["path"]
                    if path.startswith(str(ROOT)) and "/.venv/" not in path:
                        last = f"{Path(path).relative_to(ROOT)}:{match['line']} in {match['func']}"
                elif inside and line and not line[0].isspace():
                    if last:
                        sites[last] = sites.get(last, 0) + 1
                    inside = False
        return sites

    def mails(self) -> list[dict]:
        return [json.loads(line) for line in self.mail_log.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    with Stack(db_name=os.environ.get("STACK_DB_NAME", "fh_faults_stack"), seed_cases=200) as stack:
        print("Stack up:", " ".join(stack.web_urls()), "- demo logins (password 'demo'): konsulent, teamleder.",
              "Ctrl-C stops it.", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
