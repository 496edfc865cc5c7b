"""What `OPTIONS` answers on an API endpoint."""

from rest_framework.metadata import SimpleMetadata


class EndpointMetadata(SimpleMetadata):
    """The endpoint's name, description, and what it renders and parses — without DRF's `actions`.

    DRF builds `actions` from the view's one `serializer_class`; our views have none (each method
    validates with its input serializer and answers with its output one, common.api.ApiView), so
    DRF's default raised an AssertionError, a 500, on every endpoint that takes a POST or PUT. The
    bodies are documented in the OpenAPI schema (/api/schema/).
    """

    def determine_actions(self, request, view) -> dict:
        return {}
