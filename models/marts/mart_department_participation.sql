with

employed as (

    select * from {{ ref('int_employees_by_evaluation_date') }}
    where as_of_date = {{ as_of_date() }}

),

counts as (

    select
        department_group,
        count(*) as n_employed,
        count(case when is_mentee then 1 end) as n_mentees,
        count(case when is_mentor then 1 end) as n_mentors,
        count(case when is_participant then 1 end) as n_participants

    from employed
    group by department_group

),

flagged as (

    select
        *,
        -- the participation_rate small-cell rule, within the department
        (
            {{ is_small_cell('n_employed') }}
            or {{ is_small_cell('n_participants') }}
        ) as is_small

    from counts

),

suppressed as (

    select
        *,
        {{ with_complementary_suppression('is_small', 'n_employed', '', 'department_group') }}
            as is_suppressed

    from flagged

),

final as (

    -- one row per department (at D) with someone employed on D; a
    -- suppressed department publishes no number
    select
        department_group as department,
        is_suppressed,
        case when not is_suppressed then n_employed end as n_employed,
        case when not is_suppressed then n_mentees end as n_mentees,
        case when not is_suppressed then n_mentors end as n_mentors,
        case when not is_suppressed then n_participants end as n_participants,
        case when not is_suppressed then {{ safe_ratio('n_participants', 'n_employed') }} end
            as participation_rate

    from suppressed

)

select * from final
