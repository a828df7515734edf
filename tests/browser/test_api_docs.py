"""Journey: the API documentation (Swagger UI from drf-spectacular-sidecar) works under the CSP."""


def test_the_api_docs_list_the_operations(signed_in, shot):
    page = signed_in("data_ops")
    page.goto("/api/v1/docs/")
    page.get_by_text("/api/v1/jobs/{id}/").first.wait_for()
    shot(page, "api-docs")
