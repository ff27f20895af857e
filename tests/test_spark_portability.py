"""Static checks of the Spark target (issue 14): no Spark session is started.

- pipelines/targets/spark.py starts the session dbt-spark would start from the
  ``spark`` profile: the same server_side_parameters from the same
  MENTORSHIP_SPARK_* variables, so that dbt in-process and the pipeline share
  one session whichever starts it.
- Without Java (or pyspark) ``python -m pipelines.targets.spark`` says so in one
  line, not a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jinja2
import yaml

from pipelines.paths import project_dir
from pipelines.targets import spark


def _profile_parameters(env: dict[str, str]) -> dict[str, str]:
    """The spark target's server_side_parameters, rendered as dbt renders env_var()."""
    profiles = yaml.safe_load((project_dir() / "profiles" / "profiles.yml").read_text())
    target = profiles["mentorship"]["outputs"]["spark"]
    assert target["method"] == "session"

    def env_var(name: str, default: str | None = None) -> str:
        value = env.get(name, default)
        assert value is not None, name
        return value

    render = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return {
        key: render.from_string(str(value)).render(env_var=env_var)
        for key, value in target["server_side_parameters"].items()
    }


def test_session_parameters_are_the_spark_profiles(tmp_path: Path) -> None:
    env = spark.environment(tmp_path)
    ours = spark.server_side_parameters(env)
    # dbt-spark adds this one itself (connections.py), whatever the profile says
    assert ours.pop("spark.sql.ansi.enabled") == "false"
    assert ours == _profile_parameters(env)
    assert ours["spark.sql.warehouse.dir"] == str(tmp_path.resolve() / "warehouse")


def test_session_parameters_default_as_the_profile_does() -> None:
    ours = spark.server_side_parameters({})
    ours.pop("spark.sql.ansi.enabled")
    assert ours == _profile_parameters({})


def test_no_java_fails_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(Path(sys.executable).parent)  # the venv's tools, no java among them
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.targets.spark", "load", str(tmp_path / "w.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: java is not installed")


def test_no_model_relies_on_listagg_ordering() -> None:
    """dbt-spark's listagg ignores ``order by`` (and warns): models use sorted_listagg."""
    uses = [
        path.name
        for path in (project_dir() / "models").rglob("*.sql")
        if "dbt.listagg(" in path.read_text(encoding="utf-8")
    ]
    assert not uses, uses
