with

programs as (

    select * from {{ ref('int_program_funnel_counts') }}

),

final as (

    -- always exactly one row. Each person counts once per program and role,
    -- so a person in two programs is counted twice. A sum over no program
    -- is null, and so is an enrollment count when enrollments was not
    -- exported (every program's count is null then): unknown, never 0.
    select
        case when count(n_enrolled) > 0 then sum(n_enrolled) end as n_enrolled,
        sum(n_matched) as n_matched,
        sum(n_active) as n_active,
        case when count(n_completed) > 0 then sum(n_completed) end as n_completed

    from programs

)

select * from final
