{#
    The employee dimension as each nightly export showed it: department, job
    level and manager, one version per change seen between two exports, even
    when job_history is not exported. A version is valid from the as-of date
    of the export that first showed it (`updated_at`: the export date, never
    the wall clock), so the history is the same whenever the exports are run.

    Rebuilding a past drop (an as-of date before the newest export already
    snapshotted) must not rewrite the history with old values: the select is
    then empty and dbt changes nothing (deleted rows are ignored, the
    default). The warehouse keeps this table across runs
    (pipelines/warehouse_build.py copies the snapshot schema into each new
    warehouse).
#}

{% snapshot snp_hr__employees %}

{{ config(
    unique_key='employee_id',
    strategy='check',
    check_cols=['department', 'job_level', 'manager_id'],
    updated_at='exported_at',
) }}

{%- set existing = adapter.get_relation(this.database, this.schema, this.identifier)
    if execute else none -%}

select
    employee_id,
    manager_id,
    department,
    job_level,
    -- a timestamp, as dbt's validity columns are
    cast({{ as_of_date() }} as timestamp) as exported_at

from {{ ref('stg_hr__employees') }}
{% if existing is not none %}
where {{ as_of_date() }} >= (
    select coalesce(max(cast(exported_at as date)), {{ date_literal('0001-01-01') }})
    from {{ this }}
)
{% endif %}

{% endsnapshot %}
