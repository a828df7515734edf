"""The provider-file import and the NPPES refresh: read a file, plan the changes against the provider
file, store the plan as a change report, then apply it in one transaction.

- `layout`: the columns of the state's provider file and reading CSV or xlsx into rows of text;
- `rows`: one row's values checked and typed (pure);
- `plan`: the changes a file means against the current provider file (pure);
- `snapshot`: the current provider file, read in a handful of queries;
- `nppes`: the NPPES data-dissemination file and its plan;
- `apply`: writing a plan in one transaction, in bulk, with history rows;
- `report`: storing the change report and writing it as xlsx;
- `runs`: the services and job handlers that tie them together.
"""
