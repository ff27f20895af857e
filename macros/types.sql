{#
    A 64-bit float type. dbt.type_float() maps to a 4-byte REAL on some
    adapters, which would break the 1e-9 agreement the KPIs are checked to.
#}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{% macro to_double(expr) -%}
    cast({{ expr }} as {{ type_double() }})
{%- endmacro %}

{% macro safe_ratio(numerator, denominator) -%}
    {#- numerator / denominator as a double; null when the denominator is 0 or null. -#}
    case when ({{ denominator }}) > 0 then {{ to_double(numerator) }} / ({{ denominator }}) end
{%- endmacro %}

{#
    A decimal constant (such as 1.959963984540054) used in arithmetic. DuckDB
    computes `constant / integer` in double precision; PostgreSQL keeps a
    decimal literal numeric, so a chain of constants and integers runs in
    exact numeric arithmetic and rounds differently in the last bits. On
    PostgreSQL the constant is cast to double precision so that both
    adapters compute the same doubles; elsewhere it is written as is.
#}

{% macro float_constant(value) -%}
    {{ return(adapter.dispatch('float_constant')(value)) }}
{%- endmacro %}

{% macro default__float_constant(value) -%}
    {{ value }}
{%- endmacro %}

{% macro postgres__float_constant(value) -%}
    cast({{ value }} as double precision)
{%- endmacro %}

{#- Spark keeps decimal literals decimal too (and rounds their quotients to a fixed scale). -#}
{% macro spark__float_constant(value) -%}
    cast({{ value }} as double)
{%- endmacro %}
