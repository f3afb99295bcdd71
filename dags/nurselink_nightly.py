"""Nightly batch of the nurselink warehouse: one Airflow task per job of the pipeline.

Runs on Airflow 2.x and 3.x. Nothing here touches the network, the metadata database or
Airflow Variables at import time: Variables are read by Jinja when a task is rendered.
"""

from datetime import timedelta

import pendulum

try:  # Airflow 3: authoring API and the standard provider
    from airflow.sdk import DAG
except ImportError:  # Airflow 2
    from airflow import DAG

try:
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2 without the standard provider
    from airflow.operators.bash import BashOperator

from airflow.timetables.interval import CronDataIntervalTimetable

BUSINESS_TZ = "Europe/Paris"

DOC_MD = """
### nurselink nightly

Runs the warehouse jobs for one **logical date** (the business day in Europe/Paris), each as
`spark-submit ... com.nurselink.warehouse.cli.Main run --env <env> --date <date> --jobs <job>`.

| Variable | Default | Meaning |
|---|---|---|
| `nurselink_spark_submit` | `spark-submit` | spark-submit executable |
| `nurselink_spark_master` | `local[*]` | Spark master URL (`yarn`, `spark://host:7077`, `k8s://...`) |
| `nurselink_spark_submit_options` | (none) | more spark-submit options, as shell words: `--driver-java-options '-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m'` for a small site in local mode (C1 alone: each task is a JVM that warms up again), `--conf spark.executor.memory=8g` |
| `nurselink_jar` | `/opt/nurselink/nurselink-warehouse-cluster.jar` | the shaded jar (`mvn -Pcluster package`) |
| `nurselink_env` | `prod` | environment (`conf/<env>.conf`) |

Schedule: every day at 02:00 Europe/Paris for the day before (the data interval ends at 02:00).
`--date {{ ds }}`: the logical date of a scheduled run is the start of its data interval, 02:00
Paris time (00:00 or 01:00 UTC), so Airflow's `ds` is the business day it covers. Runs started by
`nurselink airflow trigger --date D` use the same logical date (D at 02:00 Paris time).

Tasks are idempotent for their date (they rewrite that date's partitions), so retries, clears
and catch-up are safe. Backfill a range with `nurselink airflow backfill --from D1 --to D2`
(one run per date, one after the other) or with Airflow's own backfill.
"""

SPARK_SUBMIT = (
    "{{ var.value.get('nurselink_spark_submit', 'spark-submit') }}"
    " --master {{ var.value.get('nurselink_spark_master', 'local[*]') }}"
    " {{ var.value.get('nurselink_spark_submit_options', '') }}"
    " --class com.nurselink.warehouse.cli.Main"
    " {{ var.value.get('nurselink_jar', '/opt/nurselink/nurselink-warehouse-cluster.jar') }}"
    " run --env {{ var.value.get('nurselink_env', 'prod') }}"
    " --date {{ ds }}"
    " --jobs "
)

DEFAULT_ARGS = {
    "owner": "nurselink-data",
    "depends_on_past": False,
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=4),
}


def job_task(job_id):
    """The task running one job of the pipeline; the task id is the job id."""
    return BashOperator(
        task_id=job_id,
        bash_command=SPARK_SUBMIT + job_id,
        doc_md=f"Runs `nurselink run --jobs {job_id}` for the logical date.",
    )


with DAG(
    dag_id="nurselink_nightly",
    description="Nightly extract, staging, model, KPIs, ML features and load of the nurselink warehouse",
    doc_md=DOC_MD,
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone=BUSINESS_TZ),
    start_date=pendulum.datetime(2026, 11, 1, tz=BUSINESS_TZ),
    catchup=True,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["nurselink", "warehouse", "spark"],
) as dag:
    extract = job_task("extract")
    stage = job_task("stage")
    model = job_task("model")
    kpis = job_task("kpis")
    features = job_task("features")
    load = job_task("load")
    serve = job_task("serve")

    extract >> stage >> model >> [kpis, features] >> load >> serve
