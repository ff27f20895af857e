{#
    Sums and means of floating-point values that give the same bits on every
    run. A parallel sum of doubles depends on the order the threads add their
    partial sums in, so a rerun on the same data could differ in the last
    digits. Each value is cast to a fixed-point decimal first (rounded to
    `scale` decimal places, far below the 1e-9 the KPIs are checked to), the
    decimal sum is exact whatever the order, and the result is cast back.
#}

{% macro exact_sum(expr, scale=12) -%}
    {{ to_double('sum(' ~ to_exact_decimal(expr, scale) ~ ')') }}
{%- endmacro %}

{% macro to_exact_decimal(expr, scale) -%}
    {{ return(adapter.dispatch('to_exact_decimal')(expr, scale)) }}
{%- endmacro %}

{% macro default__to_exact_decimal(expr, scale) -%}
    cast({{ expr }} as decimal(38, {{ scale }}))
{%- endmacro %}

{#
    PostgreSQL casts a double to numeric through 15 significant digits
    (float8_numeric uses DBL_DIG), which loses the last digit or two of a
    double. Its text output is the shortest string that reads back to the
    same double (extra_float_digits >= 1, the default since PostgreSQL 12),
    so going through text keeps the value DuckDB's direct cast keeps.
#}
{% macro postgres__to_exact_decimal(expr, scale) -%}
    cast(cast({{ expr }} as text) as numeric(38, {{ scale }}))
{%- endmacro %}

{% macro exact_avg(expr, scale=12) -%}
    {#- the mean of the non-null values of expr; null when there are none -#}
    case when count({{ expr }}) > 0 then {{ exact_sum(expr, scale) }} / count({{ expr }}) end
{%- endmacro %}
