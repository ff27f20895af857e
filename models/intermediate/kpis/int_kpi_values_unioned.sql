{%- set areas = ['outcomes', 'match_activity', 'feedback', 'engagement', 'succession',
                 'participation', 'cross_matches', 'workforce'] -%}

with

{% for area in areas %}
{{ area }} as (

    select * from {{ ref('int_kpi_values_' ~ area) }}

),

{% endfor %}
final as (

    {% for area in areas %}
    select * from {{ area }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
