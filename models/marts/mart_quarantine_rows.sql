with

quarantine as (

    select * from {{ ref('stg_ingestion__quarantine') }}

),

kinds as (

    -- The loader's reasons name the offending value ("unknown employee_id
    -- 'E0005002'", "first row at line 294 kept", "value 17 outside ...").
    -- With those values blanked out, one kind of problem is one reason kind,
    -- not one per value. regexp_replace_all and sql_string (macros/strings.sql):
    -- the engines differ in the signature and in how a quote is escaped.
    select
        *,
        regexp_replace(
            {{ regexp_replace_all(
                regexp_replace_all('reason', sql_string("'[^']*'"), sql_string("'…'")),
                "'line [0-9]+'", "'line …'"
            ) }},
            '^value [^ ]+ outside', 'value … outside'
        ) as reason_kind

    from quarantine

),

final as (

    -- one row per set-aside (row, offending column) of raw.quarantine.
    -- original_values is the row as read without personal data (the loader
    -- drops names, e-mails and comments); the report shows only its ids
    select
        run_id,
        source_name,
        source_file,
        line_number,
        column_name,
        reason,
        reason_kind,
        row_number() over (
            partition by run_id, source_name, reason_kind
            -- nulls last spelt out: Spark puts them first by default
            order by line_number nulls last, column_name nulls last, reason
        ) as rank_in_reason_kind,
        original_values

    from kinds

)

select * from final
