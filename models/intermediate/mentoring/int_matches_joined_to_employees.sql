with

matches as (

    select * from {{ ref('stg_mentoring__matches') }}

),

programs as (

    select * from {{ ref('stg_mentoring__programs') }}

),

employees as (

    select * from {{ ref('int_employment_spells') }}

),

final as (

    -- inner joins: a match whose mentor or mentee is not a known employee is
    -- not a match (ingestion quarantines those already; this keeps the rule
    -- true whatever loads the raw schema)
    select
        matches.match_id,
        matches.program_id,
        matches.mentor_id,
        matches.mentee_id,
        programs.program_type,
        matches.match_status,
        mentors.gender_group as mentor_gender_group,
        mentees.gender_group as mentee_gender_group,
        mentors.ethnicity_group as mentor_ethnicity_group,
        mentees.ethnicity_group as mentee_ethnicity_group,
        matches.start_date,
        matches.end_date

    from matches
    inner join employees as mentors
        on matches.mentor_id = mentors.employee_id
    inner join employees as mentees
        on matches.mentee_id = mentees.employee_id
    left join programs
        on matches.program_id = programs.program_id

)

select * from final
