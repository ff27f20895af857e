{#
    Sums and means of floating-point values that give the same bits on every
    run. A parallel sum of doubles depends on the order the threads add their
    partial sums in, so a rerun on the same data could differ in the last
    digits. Each value is cast to a fixed-point decimal first (rounded to
    `scale` decimal places, far below the 1e-9 the KPIs are checked to), the
    decimal sum is exact whatever the order, and the result is cast back.
#}

{% macro exact_sum(expr, scale=12) -%}
    {{ to_double('sum(cast(' ~ expr ~ ' as decimal(38, ' ~ scale ~ ')))') }}
{%- endmacro %}

{% macro exact_avg(expr, scale=12) -%}
    {#- the mean of the non-null values of expr; null when there are none -#}
    case when count({{ expr }}) > 0 then {{ exact_sum(expr, scale) }} / count({{ expr }}) end
{%- endmacro %}
