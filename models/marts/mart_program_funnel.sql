with

programs as (

    select * from {{ ref('int_program_funnel_counts') }}

),

flagged as (

    -- a program's people: its enrollments when exported, else its matched
    -- people; small as a group value of participation_rate is (fewer than
    -- min_cell_size people, or fewer than min_cell_size matched)
    select
        *,
        coalesce(n_enrolled, n_matched) as n_people,
        (
            {{ is_small_cell('coalesce(n_enrolled, n_matched)') }}
            or {{ is_small_cell('n_matched') }}
        ) as is_small

    from programs

),

suppressed as (

    select
        *,
        {{ with_complementary_suppression('is_small', 'n_people', '', 'program_id') }} as is_suppressed

    from flagged

),

final as (

    -- one row per program started on or before D; a suppressed program
    -- shows its name, type and dates but no count
    select
        program_id,
        program_name,
        program_type,
        is_suppressed,
        {% for column in ['n_enrolled', 'n_enrolled_mentees', 'n_enrolled_mentors', 'n_matched',
                          'n_active', 'n_completed', 'n_withdrawn', 'n_matches', 'n_active_matches',
                          'n_at_risk_matches'] %}
        case when not is_suppressed then {{ column }} end as {{ column }},
        {% endfor %}
        start_date,
        end_date

    from suppressed

)

select * from final
