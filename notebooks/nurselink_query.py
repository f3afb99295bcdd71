"""Query the nurselink warehouse from Python, returning pandas DataFrames.

Three back ends, chosen from the environment:

* default: the embedded DuckDB warehouse (``warehouse/nurselink.duckdb``, or
  ``NURSELINK_DUCKDB_PATH``), read-only: through the Python ``duckdb`` module when it is installed
  (a read-only connection per query, milliseconds each), else through the project's
  command line, ``bin/nurselink sql --csv --max-rows 0 QUERY`` (no DuckDB Python package needed,
  a JVM start, a few seconds, per query);
* ``NURSELINK_WAREHOUSE_URL`` set to a PostgreSQL URL (the JDBC form the pipeline uses,
  ``jdbc:postgresql://host:5432/db?user=u``, or a libpq ``postgresql://`` URL): the PostgreSQL
  warehouse, through psycopg2. Passwords come from the URL or ``~/.pgpass``; they are never
  printed.

Paths are relative to the repository root: call :func:`chdir_repo_root` first (the notebooks do).
pandas is imported by the query functions only, so the URL helpers work on a bare Python.

    import nurselink_query as nq
    nq.chdir_repo_root()
    df = nq.sql("SELECT service_month, sum(missions_total) AS missions FROM kpi_mission_monthly GROUP BY 1")
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

if TYPE_CHECKING:
    import pandas as pd

WAREHOUSE_URL_ENV = "NURSELINK_WAREHOUSE_URL"
DUCKDB_PATH_ENV = "NURSELINK_DUCKDB_PATH"

# JDBC (pgjdbc) connection properties and their libpq equivalents; properties libpq accepts
# under the same name are passed through, others are dropped (they only tune the JDBC driver).
_JDBC_TO_LIBPQ = {
    "ApplicationName": "application_name",
    "applicationName": "application_name",
    "connectTimeout": "connect_timeout",
    "loginTimeout": "connect_timeout",
    "sslmode": "sslmode",
    "sslcert": "sslcert",
    "sslkey": "sslkey",
    "sslrootcert": "sslrootcert",
    "user": "user",
    "password": "password",
    "options": "options",
    "targetServerType": "target_session_attrs",
}
_LIBPQ_PARAMS = {
    "user", "password", "dbname", "host", "hostaddr", "port", "connect_timeout", "options",
    "application_name", "sslmode", "sslcert", "sslkey", "sslrootcert", "sslcrl", "passfile",
    "target_session_attrs", "keepalives", "keepalives_idle", "gssencmode", "service",
}
_TARGET_SERVER_TYPES = {"any": "any", "primary": "read-write", "master": "read-write",
                        "secondary": "read-only", "preferSecondary": "any", "preferPrimary": "any"}


def find_repo_root(start: str | os.PathLike | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: the working directory) holding ``pom.xml``."""
    here = Path(start or os.getcwd()).resolve()
    for d in (here, *here.parents):
        if (d / "pom.xml").is_file():
            return d
    raise FileNotFoundError(f"no pom.xml at or above {here}: run from inside the nurselink-warehouse repository")


def chdir_repo_root(start: str | os.PathLike | None = None) -> Path:
    """Changes the working directory to the repository root and returns it."""
    root = find_repo_root(start)
    os.chdir(root)
    return root


def jdbc_to_libpq(url: str) -> str:
    """Converts a PostgreSQL JDBC URL to a libpq (psycopg2) connection URI.

    ``jdbc:postgresql://h:5432/db?user=u&ssl=true&currentSchema=dwh`` becomes
    ``postgresql://h:5432/db?user=u&sslmode=require&options=-c+search_path%3Ddwh``. A URL already in
    libpq form (``postgresql://`` or ``postgres://``) is returned unchanged.
    """
    if url.startswith(("postgresql://", "postgres://")):
        return url
    if not url.startswith("jdbc:postgresql:"):
        raise ValueError("not a PostgreSQL URL (expected jdbc:postgresql://... or postgresql://...)")
    rest = url[len("jdbc:postgresql:"):]
    if not rest.startswith("//"):
        # jdbc:postgresql:database — local server, default port
        rest = "//localhost/" + rest
    parts = urlsplit("postgresql:" + rest)
    params: list[tuple[str, str]] = []
    ssl_on = False
    search_path = None
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "ssl":
            ssl_on = value.lower() in ("", "true", "1")
            continue
        if key == "currentSchema":
            search_path = value
            continue
        if key == "targetServerType":
            params.append(("target_session_attrs", _TARGET_SERVER_TYPES.get(value, "any")))
            continue
        mapped = _JDBC_TO_LIBPQ.get(key, key if key in _LIBPQ_PARAMS else None)
        if mapped is not None:
            params.append((mapped, value))
    if ssl_on and not any(k == "sslmode" for k, _ in params):
        params.append(("sslmode", "require"))
    if search_path:
        opts = f"-c search_path={search_path}"
        existing = [v for k, v in params if k == "options"]
        params = [(k, v) for k, v in params if k != "options"]
        params.append(("options", " ".join(existing + [opts])))
    query = urlencode(params, quote_via=quote)
    return f"postgresql://{parts.netloc}{parts.path}" + (f"?{query}" if query else "")


def mask_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (for display)."""
    url = re.sub(r"(?i)(password=)[^&;]*", r"\1***", url)
    return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", url)


def backend() -> str:
    """``postgres`` when ``NURSELINK_WAREHOUSE_URL`` holds a PostgreSQL URL; else ``duckdb`` when the
    Python ``duckdb`` module is installed, ``cli`` (bin/nurselink sql) when it is not."""
    url = os.environ.get(WAREHOUSE_URL_ENV, "")
    if url.startswith(("jdbc:postgresql:", "postgresql://", "postgres://")):
        return "postgres"
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return "cli"
    return "duckdb"


def duckdb_path() -> Path:
    """The DuckDB warehouse file: ``NURSELINK_DUCKDB_PATH`` or ``warehouse/nurselink.duckdb``."""
    return Path(os.environ.get(DUCKDB_PATH_ENV, "warehouse/nurselink.duckdb"))


def describe() -> str:
    """One line saying which warehouse the queries go to, and how (password masked)."""
    if backend() == "postgres":
        return "PostgreSQL warehouse " + mask_url(jdbc_to_libpq(os.environ[WAREHOUSE_URL_ENV]))
    if backend() == "duckdb":
        import duckdb
        return f"DuckDB warehouse {duckdb_path()} through the duckdb Python module {duckdb.__version__}"
    return (f"DuckDB warehouse through bin/nurselink sql ({duckdb_path()}; no duckdb Python module: "
            "a JVM per query)")


def sql(query: str, parse_dates: list[str] | None = None) -> pd.DataFrame:
    """Runs one SELECT against the warehouse and returns its rows as a DataFrame."""
    import pandas as pd

    b = backend()
    df = _sql_postgres(query) if b == "postgres" else _sql_duckdb(query) if b == "duckdb" else _sql_cli(query)
    for col in parse_dates or []:
        if col in df.columns:
            df[col] = pd.to_datetime(df[col], errors="coerce")
    return df


def _sql_duckdb(query: str) -> pd.DataFrame:
    import duckdb

    path = duckdb_path()
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run bin/nurselink demo (or a nightly) first")
    # one read-only connection per query (milliseconds): a nightly's load can take the file meanwhile
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(query).df()
    except duckdb.Error as e:
        raise RuntimeError(f"query failed: {e}".strip()) from None
    finally:
        con.close()


def _sql_cli(query: str) -> pd.DataFrame:
    import pandas as pd

    launcher = Path("bin") / "nurselink"
    if not launcher.exists():
        raise FileNotFoundError("bin/nurselink not found: call chdir_repo_root() first")
    args = [str(launcher), "sql", "--csv", "--max-rows", "0"]
    if DUCKDB_PATH_ENV in os.environ:
        args += ["--conf", f"warehouse.duckdb-path={os.environ[DUCKDB_PATH_ENV]}"]
    if "NURSELINK_LAKE_PATH" in os.environ:  # the files the quarantine and clean views read
        args += ["--conf", f"lake.path={os.environ['NURSELINK_LAKE_PATH']}"]
    proc = subprocess.run(args + [query], capture_output=True, text=True)
    if proc.returncode != 0:
        err = "\n".join(line for line in proc.stderr.splitlines() if not line.startswith("WARNING:"))
        raise RuntimeError(f"nurselink sql failed (exit {proc.returncode}): {err.strip()}")
    if not proc.stdout.strip():
        return pd.DataFrame()
    # Only an empty field is missing (the CLI prints NULL as nothing); "NA" stays a value.
    return pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""])


def _sql_postgres(query: str) -> pd.DataFrame:
    import pandas as pd
    import psycopg2  # only needed for a PostgreSQL warehouse

    try:
        conn = psycopg2.connect(jdbc_to_libpq(os.environ[WAREHOUSE_URL_ENV]))
    except psycopg2.Error as e:
        raise RuntimeError(f"cannot connect to {describe()}: {e}".strip()) from None
    try:
        conn.set_session(readonly=True)
        with conn.cursor() as cur:
            cur.execute(query)
            columns = [d[0] for d in cur.description]
            rows = cur.fetchall()
        conn.rollback()
    except psycopg2.Error as e:
        raise RuntimeError(f"query failed: {e}".strip()) from None
    finally:
        conn.close()
    df = pd.DataFrame.from_records(rows, columns=columns)
    # numeric (Decimal) columns as floats, like the CSV path
    for col in df.columns:
        if df[col].dtype == object and df[col].map(lambda v: v is None or type(v).__name__ == "Decimal").all():
            df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


def table_exists(name: str) -> bool:
    """Whether the warehouse has this table or view."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"not a table name: {name!r}")
    df = sql("SELECT count(*) AS n FROM information_schema.tables "
             f"WHERE table_name = '{name}'")
    return bool(len(df)) and int(df["n"].iloc[0]) > 0


def lake_path() -> Path:
    """Root of the Parquet lake: ``NURSELINK_LAKE_PATH`` or ``lake`` (relative to the repository root)."""
    return Path(os.environ.get("NURSELINK_LAKE_PATH", "lake"))


def feature_manifest(feature_set: str, as_of_date: str) -> dict:
    """The ``_manifest.json`` of a feature set as of a date: ``lake/features/<feature_set>/manifests/as_of_date=<as_of_date>/``."""
    path = lake_path() / "features" / feature_set / "manifests" / f"as_of_date={as_of_date}" / "_manifest.json"
    with open(path, encoding="utf-8") as f:
        return json.load(f)
