{#
    Snapshots on Spark with plain Parquet tables (issue 14).

    dbt-spark refuses a snapshot unless the table is Delta, Iceberg or Hudi:
    its last step is a MERGE, which Parquet tables do not support, and no
    Delta jars can be fetched here. Everything before the merge is dbt's
    generic snapshot (strategy, staging rows with dbt_change_type, new
    columns), so this project's Spark materialization is dbt-core's default
    one, and only the merge is replaced:

    1. the table the MERGE would have left is computed into
       `<snapshot>__dbt_new`: every current row, its dbt_valid_to closed where
       the staging rows say 'update' or 'delete' for its dbt_scd_id, plus the
       staging rows to 'insert';
    2. the snapshot is overwritten from it (`insert overwrite`; Spark cannot
       overwrite a table from a query that reads that same table, hence the
       extra table), and post_snapshot drops it with the staging relation.

    The rows are the MERGE's, so the same nights give the same dbt_scd_id,
    dbt_updated_at, dbt_valid_from and dbt_valid_to as dbt-duckdb's snapshot
    (tests/test_spark_kpis.py checks two nights). Not atomic: a failure
    between the two steps leaves the snapshot as it was (step 1 writes only
    the new table) or half-overwritten; the nightly run on DuckDB keeps the
    snapshot of record.
#}

{% materialization snapshot, adapter='spark' %}
    {#- Spark relations have no database, and a Spark node none to read (Undefined, not none) -#}
    {% do model.update({'database': none}) %}
    {{ return(materialization_snapshot_default()) }}
{% endmaterialization %}

{% macro spark__snapshot_merge_sql(target, source, insert_cols) -%}
    {%- set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() -%}
    {%- set new_rows = spark__snapshot_new_rows_relation(target) -%}
    {%- set target_columns = adapter.get_columns_in_relation(target) | map(attribute='name') | list -%}
    {%- set current = ("dest." ~ columns.dbt_valid_to ~ " is null") if not config.get("dbt_valid_to_current")
        else ("(dest." ~ columns.dbt_valid_to ~ " = " ~ config.get("dbt_valid_to_current")
              ~ " or dest." ~ columns.dbt_valid_to ~ " is null)") -%}
    {% do adapter.drop_relation(new_rows) %}
    {% call statement('snapshot_new_rows') %}
        create table {{ new_rows }} using parquet as
        select
            {% for column in target_columns -%}
            {%- if column == columns.dbt_valid_to -%}
            case when {{ current }} and closing.{{ columns.dbt_scd_id }} is not null
                then closing.{{ columns.dbt_valid_to }} else dest.{{ column }} end as {{ column }}
            {%- else -%}
            dest.{{ column }}
            {%- endif %}{{ "," if not loop.last }}
            {% endfor %}
        from {{ target }} as dest
        left join (
            select {{ columns.dbt_scd_id }}, {{ columns.dbt_valid_to }}
            from {{ source }}
            where dbt_change_type in ('update', 'delete')
        ) as closing
            on dest.{{ columns.dbt_scd_id }} = closing.{{ columns.dbt_scd_id }}
        union all
        select {% for column in target_columns %}{{ column }}{{ ", " if not loop.last }}{% endfor %}
        from {{ source }}
        where dbt_change_type = 'insert'
    {% endcall %}
    insert overwrite table {{ target }}
    select * from {{ new_rows }}
{%- endmacro %}

{% macro spark__snapshot_new_rows_relation(target) -%}
    {{ return(target.incorporate(path={"identifier": target.identifier ~ "__dbt_new"}, type='table')) }}
{%- endmacro %}

{% macro spark__post_snapshot(staging_relation) %}
    {% do adapter.drop_relation(staging_relation) %}
    {% do adapter.drop_relation(spark__snapshot_new_rows_relation(this)) %}
{% endmacro %}
