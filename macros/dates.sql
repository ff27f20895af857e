{#
    Date helpers. The as-of date D is the run's parameter (as_of_date()); every window of the KPI
    dictionary is a number of days ("X + n: the date n days after X"), so
    arithmetic goes through add_days and never through months or years.
#}

{% macro date_literal(iso_date) -%}
    cast('{{ iso_date }}' as date)
{%- endmacro %}

{% macro as_of_date() -%}
    {#-
        D, the run's as-of date, as a scalar subquery on the run's parameters
        (one row, written by ingestion). Not a var: a var would be compiled
        into the SQL, and the SQL would differ every night
        (pipelines/transform/plan.py runs the compiled SQL of the project as
        long as the project does not change).
    -#}
    (select as_of_date from {{ ref('stg_ingestion__run_parameters') }})
{%- endmacro %}

{% macro add_days(date_expr, days) -%}
    {#- dbt.dateadd yields a timestamp on some adapters: cast back to a day. -#}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{% macro days_between(start_date_expr, end_date_expr) -%}
    {{ dbt.datediff(start_date_expr, end_date_expr, 'day') }}
{%- endmacro %}

{% macro is_valid_on(relation, on_date) -%}
    {#-
        A validity interval [valid_from_date, valid_to_date) of `relation`
        holds on `on_date`; an open interval ends at a far-future date rather
        than `valid_to_date is null or ...`, because an `or` in a join
        condition makes DuckDB fall back to a nested-loop join.
    -#}
    {{ relation }}.valid_from_date <= {{ on_date }}
    and coalesce({{ relation }}.valid_to_date, {{ date_literal('9999-12-31') }}) > {{ on_date }}
{%- endmacro %}
