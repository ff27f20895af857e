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

{% macro z_95_squared() -%}
    {{ return(adapter.dispatch('z_95_squared')()) }}
{%- endmacro %}

{% macro default__z_95_squared() -%}
    {{ z_95() }} * {{ z_95() }}
{%- endmacro %}

{#
    DuckDB multiplies the two decimal literals exactly and divides the product
    by a count in double precision. PostgreSQL's sum() of integers is numeric,
    so z * z / (2.0 * n) would be a numeric division there, rounded
    differently; the exact square cast to a double divides as DuckDB does.
#}
{% macro postgres__z_95_squared() -%}
    cast({{ z_95() }} * {{ z_95() }} as double precision)
{%- endmacro %}

{#- Spark too: there a decimal divided by a decimal count is rounded to a fixed scale. -#}
{% macro spark__z_95_squared() -%}
    cast({{ z_95() }} * {{ z_95() }} as double)
{%- endmacro %}

{% macro wilson_bound(successes, n, side) -%}
    {%- set z = z_95() -%}
    {%- set zz = z_95_squared() -%}
    {%- set p = '(' ~ to_double(successes) ~ ' / ' ~ n ~ ')' -%}
    {%- set sign = '-' if side == 'low' else '+' -%}
    case when {{ n }} > 0 then
        (
            {{ p }} + {{ zz }} / (2.0 * {{ n }})
            {{ sign }} {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + {{ zz }} / (4.0 * {{ n }} * {{ n }}))
        ) / (1 + {{ zz }} / {{ n }})
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

{#
    95% intervals for means and for the stratified retention gap.

    t_975(df): the 0.975 quantile of Student's t with df degrees of freedom.
    SQL has no inverse t distribution, so: for df < 30 the exact quantiles at
    integer df (scipy.stats.t.ppf), a fractional df (Welch) rounded down, so
    the interval is never narrower than the exact one; for df >= 30 the
    Cornish-Fisher expansion in 1/df to the fourth order (Abramowitz & Stegun
    26.7.5), within 3e-8 of the exact quantile there. Null for df < 1.

    mean_bound: the t interval of a mean, mean +- t_975(n - 1) * s / sqrt(n),
    s the sample standard deviation. Null for n < 2.

    welch_bound: the interval of a difference of two independent means
    (Welch 1947): se^2 = s1^2/n1 + s2^2/n2, df by Welch-Satterthwaite.
    When both groups have no spread at all (se = 0) the interval is the point.

    stratified_gap_bound: the interval of a weighted sum of independent
    stratum differences sum_s w_s (p1_s - p0_s), with weights w_s fixed by the
    design (the group's members in each qualifying stratum over all of them):
    Var = sum_s w_s^2 (p1_s (1 - p1_s) / n1_s + p0_s (1 - p0_s) / n0_s), the
    closed form of the variance of a weighted sum of independent binomial
    differences; the bound is estimate +- z * sqrt(Var) (normal: a sum over
    many strata). The caller passes the already summed variance.
#}

{% macro t_975(df) -%}
    {%- set z = z_95() -%}
    {%- set exact = [12.706204736174694, 4.302652729749462, 3.1824463052837078,
        2.7764451051977934, 2.5705818356363146, 2.4469118511449786, 2.364624251592784,
        2.306004135204166, 2.262157162798205, 2.228138851986274, 2.200985160091639,
        2.1788128296672284, 2.1603686564627913, 2.144786687917804, 2.131449545559776,
        2.1199052992212546, 2.1098155778333156, 2.1009220402410382, 2.0930240544083087,
        2.085963447265864, 2.0796138447276795, 2.0738730679040254, 2.0686576104190486,
        2.0638985616280245, 2.0595385527532972, 2.0555294386428735, 2.0518305164802846,
        2.0484071417952454, 2.045229642132703] -%}
    {%- set zf = z | float -%}
    {%- set g1 = (zf ** 3 + zf) / 4 -%}
    {%- set g2 = (5 * zf ** 5 + 16 * zf ** 3 + 3 * zf) / 96 -%}
    {%- set g3 = (3 * zf ** 7 + 19 * zf ** 5 + 17 * zf ** 3 - 15 * zf) / 384 -%}
    {%- set g4 = (79 * zf ** 9 + 776 * zf ** 7 + 1482 * zf ** 5 - 1920 * zf ** 3 - 945 * zf) / 92160 -%}
    case
        when {{ df }} is null or {{ df }} < 1 then null
        when {{ df }} < 30 then
            case cast(floor({{ df }}) as integer)
            {%- for q in exact %}
                when {{ loop.index }} then {{ float_constant(q) }}
            {%- endfor %}
            end
        else {{ float_constant(z) }}
            + {{ float_constant(g1) }} / ({{ df }})
            + {{ float_constant(g2) }} / power({{ df }}, 2)
            + {{ float_constant(g3) }} / power({{ df }}, 3)
            + {{ float_constant(g4) }} / power({{ df }}, 4)
    end
{%- endmacro %}

{% macro mean_bound(mean, variance, n, side) -%}
    {%- set sign = '-' if side == 'low' else '+' -%}
    case when {{ n }} >= 2 then
        {{ mean }} {{ sign }} ({{ t_975(n ~ ' - 1') }}) * sqrt({{ variance }} / {{ n }})
    end
{%- endmacro %}

{% macro mean_low(mean, variance, n) -%}
    {{ mean_bound(mean, variance, n, 'low') }}
{%- endmacro %}

{% macro mean_high(mean, variance, n) -%}
    {{ mean_bound(mean, variance, n, 'high') }}
{%- endmacro %}

{% macro welch_bound(difference, variance_1, n_1, variance_2, n_2, side) -%}
    {%- set sign = '-' if side == 'low' else '+' -%}
    {%- set a = '(' ~ variance_1 ~ ' / ' ~ n_1 ~ ')' -%}
    {%- set b = '(' ~ variance_2 ~ ' / ' ~ n_2 ~ ')' -%}
    case
        when {{ n_1 }} >= 2 and {{ n_2 }} >= 2 and {{ a }} + {{ b }} = 0 then {{ difference }}
        when {{ n_1 }} >= 2 and {{ n_2 }} >= 2 then
            {{ difference }} {{ sign }} ({{ t_975(
                'power(' ~ a ~ ' + ' ~ b ~ ', 2) / (power(' ~ a ~ ', 2) / (' ~ n_1 ~ ' - 1) + power('
                ~ b ~ ', 2) / (' ~ n_2 ~ ' - 1))'
            ) }}) * sqrt({{ a }} + {{ b }})
    end
{%- endmacro %}

{% macro welch_low(difference, variance_1, n_1, variance_2, n_2) -%}
    {{ welch_bound(difference, variance_1, n_1, variance_2, n_2, 'low') }}
{%- endmacro %}

{% macro welch_high(difference, variance_1, n_1, variance_2, n_2) -%}
    {{ welch_bound(difference, variance_1, n_1, variance_2, n_2, 'high') }}
{%- endmacro %}

{% macro stratified_gap_bound(gap, variance, side) -%}
    {%- set sign = '-' if side == 'low' else '+' -%}
    case when {{ variance }} is not null then
        {{ gap }} {{ sign }} {{ z_95() }} * sqrt({{ variance }})
    end
{%- endmacro %}
