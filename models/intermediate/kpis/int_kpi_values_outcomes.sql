{%- set groups = ['mentee', 'mentor', 'non_participant'] -%}

with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

eligible as (

    select * from {{ ref('int_outcome_cohorts_by_evaluation_date') }}
    where is_eligible_12m

),

group_counts as (

    select
        as_of_date,
        participant_group,
        count(*) as n_eligible,
        sum(case when is_retained_12m then 1 else 0 end) as n_retained,
        sum(case when is_promoted_12m then 1 else 0 end) as n_promoted

    from eligible
    group by as_of_date, participant_group

),

counts_wide as (

    -- one row per date, every group's counts side by side (0 when empty)
    select
        evaluation_dates.as_of_date,
        {% for group in groups %}
        coalesce({{ group }}.n_eligible, 0) as n_eligible_{{ group }},
        coalesce({{ group }}.n_retained, 0) as n_retained_{{ group }},
        coalesce({{ group }}.n_promoted, 0) as n_promoted_{{ group }}{{ ',' if not loop.last }}
        {% endfor %}

    from evaluation_dates
    {% for group in groups %}
    left join group_counts as {{ group }}
        on evaluation_dates.as_of_date = {{ group }}.as_of_date
        and {{ group }}.participant_group = '{{ group }}'
    {% endfor %}

),

strata as (

    -- the adjusted gap's strata: (department, level, performance band) at t0
    select
        as_of_date,
        participant_group,
        department_at_index_date,
        job_level_at_index_date,
        performance_band_at_index_date,
        count(*) as n_eligible,
        sum(case when is_retained_12m then 1 else 0 end) as n_retained

    from eligible
    group by
        as_of_date,
        participant_group,
        department_at_index_date,
        job_level_at_index_date,
        performance_band_at_index_date

),

qualifying_strata as (

    select
        members.as_of_date,
        members.participant_group,
        members.n_eligible,
        {{ to_double('members.n_retained') }} / members.n_eligible
            - {{ to_double('non_participants.n_retained') }} / non_participants.n_eligible
            as retention_difference,
        -- the binomial variance of that difference (independent samples)
        {{ to_double('members.n_retained') }} * (members.n_eligible - members.n_retained)
            / power(members.n_eligible, 3)
        + {{ to_double('non_participants.n_retained') }}
            * (non_participants.n_eligible - non_participants.n_retained)
            / power(non_participants.n_eligible, 3)
            as retention_difference_variance

    from strata as members
    inner join strata as non_participants
        on members.as_of_date = non_participants.as_of_date
        and members.department_at_index_date = non_participants.department_at_index_date
        and members.job_level_at_index_date = non_participants.job_level_at_index_date
        and members.performance_band_at_index_date = non_participants.performance_band_at_index_date
        and non_participants.participant_group = 'non_participant'
    where members.participant_group in ('mentee', 'mentor')
      and members.n_eligible >= {{ var('min_stratum_size') }}
      and non_participants.n_eligible >= {{ var('min_stratum_size') }}

),

adjusted_gaps as (

    -- weighted by the group's eligible members in each qualifying stratum;
    -- the variance of that weighted sum of independent stratum differences
    -- is sum(w^2 * variance) with w = n_eligible / sum(n_eligible)
    select
        as_of_date,
        participant_group,
        {{ exact_sum('n_eligible * retention_difference') }} / sum(n_eligible) as adjusted_gap,
        {{ exact_sum('n_eligible * n_eligible * retention_difference_variance') }}
            / power(sum(n_eligible), 2) as adjusted_gap_variance,
        sum(n_eligible) as n_in_qualifying_strata

    from qualifying_strata
    group by as_of_date, participant_group

),

final as (

    {% for group in groups %}
    select
        {{ share_kpi_select(
            'retention_12m_' ~ group,
            'n_retained_' ~ group,
            'n_eligible_' ~ group
        ) }}
    from counts_wide

    union all

    select
        {{ share_kpi_select(
            'promotion_rate_12m_' ~ group,
            'n_promoted_' ~ group,
            'n_eligible_' ~ group
        ) }}
    from counts_wide

    union all
    {% endfor %}

    {% for group in ['mentee', 'mentor'] %}
    select
        {{ kpi_select(
            'retention_12m_gap_' ~ group ~ '_naive',
            'case when n_eligible_non_participant > 0 then '
                ~ safe_ratio('n_retained_' ~ group, 'n_eligible_' ~ group)
                ~ ' - ' ~ safe_ratio('n_retained_non_participant', 'n_eligible_non_participant') ~ ' end',
            'n_eligible_' ~ group,
            newcombe_low('n_retained_' ~ group, 'n_eligible_' ~ group,
                         'n_retained_non_participant', 'n_eligible_non_participant'),
            newcombe_high('n_retained_' ~ group, 'n_eligible_' ~ group,
                          'n_retained_non_participant', 'n_eligible_non_participant'),
            "case when n_eligible_" ~ group ~ " = 0 then 'no eligible " ~ group ~ "s'"
                ~ " else 'no eligible non-participants' end"
        ) }}
    from counts_wide

    union all

    select
        {{ kpi_select(
            'retention_12m_gap_' ~ group ~ '_adjusted',
            'adjusted_gap',
            'n_in_qualifying_strata',
            stratified_gap_bound('adjusted_gap', 'adjusted_gap_variance', 'low'),
            stratified_gap_bound('adjusted_gap', 'adjusted_gap_variance', 'high')
        ) }}
    from adjusted_gaps
    where participant_group = '{{ group }}'
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
