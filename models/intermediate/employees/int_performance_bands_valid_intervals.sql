with

reviews as (

    select * from {{ ref('stg_hr__performance_reviews') }}

),

ratings_by_date as (

    -- several reviews on one date: the mean of their ratings
    select
        employee_id,
        review_date,
        {{ exact_avg('rating') }} as rating,
        count(*) as n_reviews

    from reviews
    group by employee_id, review_date

),

final as (

    select
        employee_id,
        review_date as valid_from_date,
        lead(review_date) over (
            partition by employee_id order by review_date
        ) as valid_to_date,
        rating,
        n_reviews,
        case when rating >= 4 then 'high' else 'other' end as performance_band

    from ratings_by_date

)

select * from final
