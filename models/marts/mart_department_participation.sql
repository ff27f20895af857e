with

employees as (

    select * from {{ ref('dim_employees') }}
    where is_employed_on_as_of_date

),

counts as (

    select
        department,
        count(*) as n_employed,
        count(case when is_mentee then 1 end) as n_mentees,
        count(case when is_mentor then 1 end) as n_mentors,
        count(case when is_mentee or is_mentor then 1 end) as n_participants

    from employees
    group by department

),

final as (

    -- one row per current department with someone employed on D. Not
    -- suppressed: the dictionary's small-cell rule is for the gender and
    -- ethnicity breakdowns (mart_participation_by_group), and this table
    -- is for the HR analysts' operations report
    select
        department,
        n_employed,
        n_mentees,
        n_mentors,
        n_participants,
        {{ safe_ratio('n_participants', 'n_employed') }} as participation_rate

    from counts

)

select * from final
