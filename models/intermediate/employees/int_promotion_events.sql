with

levels as (

    select * from {{ ref('int_job_levels_valid_intervals') }}

),

final as (

    -- a promotion on date d: the level at d is higher than the level of the
    -- last history date before d; the first history row is never one
    select
        employee_id,
        valid_from_date as promotion_date,
        previous_job_level,
        job_level

    from levels
    where previous_job_level is not null
      and job_level > previous_job_level

)

select * from final
