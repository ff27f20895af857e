{#
    95% confidence intervals for proportions, set-based SQL.

    wilson_bound: the Wilson score interval of a binomial proportion
    (Wilson 1927), well behaved near 0 and 1 and for small n, unlike the
    normal (Wald) interval:
        p = k / n,  denom = 1 + z^2/n
        centre = (p + z^2/(2n)) / denom
        half   = z * sqrt(p(1-p)/n + z^2/(4n^2)) / denom
    Null when n is 0 or null.

    newcombe_bound: the interval of a difference of two independent
    proportions p1 - p2 by Newcombe's hybrid score method (Newcombe 1998,
    method 10) from the two Wilson intervals (l1, u1), (l2, u2):
        low  = (p1 - p2) - sqrt((p1 - l1)^2 + (u2 - p2)^2)
        high = (p1 - p2) + sqrt((u1 - p1)^2 + (p2 - l2)^2)
#}

{% macro z_95() -%}
    {#- the 0.975 quantile of the standard normal distribution -#}
    1.959963984540054
{%- endmacro %}

{% macro wilson_bound(successes, n, side) -%}
    {%- set z = z_95() -%}
    {%- set p = '(' ~ to_double(successes) ~ ' / ' ~ n ~ ')' -%}
    {%- set sign = '-' if side == 'low' else '+' -%}
    case when {{ n }} > 0 then
        (
            {{ p }} + {{ z }} * {{ z }} / (2.0 * {{ n }})
            {{ sign }} {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }}))
        ) / (1 + {{ z }} * {{ z }} / {{ n }})
    end
{%- endmacro %}

{% macro wilson_low(successes, n) -%}
    {{ wilson_bound(successes, n, 'low') }}
{%- endmacro %}

{% macro wilson_high(successes, n) -%}
    {{ wilson_bound(successes, n, 'high') }}
{%- endmacro %}

{% macro newcombe_bound(successes_1, n_1, successes_2, n_2, side) -%}
    {%- set p1 = '(' ~ to_double(successes_1) ~ ' / ' ~ n_1 ~ ')' -%}
    {%- set p2 = '(' ~ to_double(successes_2) ~ ' / ' ~ n_2 ~ ')' -%}
    case when {{ n_1 }} > 0 and {{ n_2 }} > 0 then
    {%- if side == 'low' %}
        ({{ p1 }} - {{ p2 }}) - sqrt(
            power({{ p1 }} - ({{ wilson_low(successes_1, n_1) }}), 2)
            + power(({{ wilson_high(successes_2, n_2) }}) - {{ p2 }}, 2)
        )
    {%- else %}
        ({{ p1 }} - {{ p2 }}) + sqrt(
            power(({{ wilson_high(successes_1, n_1) }}) - {{ p1 }}, 2)
            + power({{ p2 }} - ({{ wilson_low(successes_2, n_2) }}), 2)
        )
    {%- endif %}
    end
{%- endmacro %}

{% macro newcombe_low(successes_1, n_1, successes_2, n_2) -%}
    {{ newcombe_bound(successes_1, n_1, successes_2, n_2, 'low') }}
{%- endmacro %}

{% macro newcombe_high(successes_1, n_1, successes_2, n_2) -%}
    {{ newcombe_bound(successes_1, n_1, successes_2, n_2, 'high') }}
{%- endmacro %}
