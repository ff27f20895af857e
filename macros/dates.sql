{#
    Date helpers. The as-of date D is the var `as_of`; every window of the KPI
    dictionary is a number of days ("X + n: the date n days after X"), so
    arithmetic goes through add_days and never through months or years.
#}

{% macro as_of_iso() -%}
    {#- The validated as-of date as an ISO string (fails the compile when malformed). -#}
    {%- set raw = var('as_of') | string -%}
    {%- set parsed = modules.datetime.date.fromisoformat(raw) -%}
    {{- return(parsed.isoformat()) -}}
{%- endmacro %}

{% macro date_literal(iso_date) -%}
    cast('{{ iso_date }}' as date)
{%- endmacro %}

{% macro as_of_date() -%}
    {{ date_literal(as_of_iso()) }}
{%- endmacro %}

{% macro add_days(date_expr, days) -%}
    {#- dbt.dateadd yields a timestamp on some adapters: cast back to a day. -#}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{% macro days_between(start_date_expr, end_date_expr) -%}
    {{ dbt.datediff(start_date_expr, end_date_expr, 'day') }}
{%- endmacro %}

{% macro evaluation_dates() -%}
    {#-
        The dates every KPI is evaluated at: D itself and the last
        `trend_months` month-ends on or before D (D counted once when it is a
        month-end). Computed from the var at compile time, never from the data.
        Returns a list of ISO strings, newest first.
    -#}
    {%- set d = modules.datetime.date.fromisoformat(as_of_iso()) -%}
    {%- set n_months = var('trend_months') | int -%}
    {%- set dates = [d.isoformat()] -%}
    {%- set month_ends = [] -%}
    {#- month-ends of D's month and of the n_months before it; keep those <= D -#}
    {%- for k in range(0, n_months + 1) -%}
        {%- set months_back = d.year * 12 + (d.month - 1) - k + 1 -%}
        {%- set first_of_next = modules.datetime.date(months_back // 12, months_back % 12 + 1, 1) -%}
        {%- set month_end = first_of_next - modules.datetime.timedelta(days=1) -%}
        {%- if month_end <= d -%}
            {%- do month_ends.append(month_end.isoformat()) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for iso in month_ends[:n_months] -%}
        {%- if iso not in dates -%}
            {%- do dates.append(iso) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(dates) -}}
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
