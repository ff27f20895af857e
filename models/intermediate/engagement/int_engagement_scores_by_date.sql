with

surveys as (

    select * from {{ ref('stg_hr__engagement_surveys') }}

),

final as (

    -- several surveys on one date: their mean
    select
        employee_id,
        survey_date,
        {{ exact_avg('engagement_score') }} as engagement_score,
        count(*) as n_surveys

    from surveys
    group by employee_id, survey_date

)

select * from final
