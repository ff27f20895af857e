"""An independent pandas implementation of the KPI dictionary, for tests.

``kpis_pandas`` recomputes every KPI of ``shared/contract/kpis.md`` from the
raw warehouse tables without reading the dbt models; ``compare`` checks a
published ``kpis.json`` list against it.
"""
