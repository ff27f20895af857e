"""The transform step: run the dbt project and publish its KPIs (kpis.json)."""
