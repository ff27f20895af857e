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
