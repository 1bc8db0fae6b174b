"""Each facade operation knows its generated endpoint and the model its success answer is."""

from __future__ import annotations

import typing

import httpx
import pytest

import attachkit
from attachkit import catalog, specs
from attachkit.errors import ServerError, UnexpectedResponseError
from attachkit.operations import Operation, is_idempotent
from attachkit.transfer import RetryPolicy


@pytest.mark.parametrize("operation", catalog.OPERATIONS, ids=lambda op: op.operation_id)
def test_operation_names_its_spec_operation_and_a_model_its_endpoint_parses(
    operation: Operation[object],
) -> None:
    assert operation.operation_id in specs.operations(operation.service)
    # The success model is one of the answers the generated parser can produce (the generator
    # types a documented answer without a body as Any).
    parsed = typing.get_type_hints(operation.endpoint._parse_response)["return"]
    assert operation.returns in typing.get_args(parsed) or (
        operation.returns is type(None) and typing.Any in typing.get_args(parsed)
    )


def test_idempotence_is_read_from_the_method_the_generated_builder_chose() -> None:
    assert is_idempotent({"method": "get", "url": "/"})
    assert is_idempotent({"method": "delete", "url": "/"})
    assert not is_idempotent({"method": "post", "url": "/"})
    # The generated builders write the method in lower case, as the spec's path item keys.
    delete = catalog.DELETE_SCRUM.endpoint._get_kwargs("p", 1, "7")
    assert delete["method"] == "delete" and is_idempotent(delete)


def test_a_delete_is_retried_after_503_because_its_builder_says_delete() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(503, json={"error_code": "X.503", "error_msg": "busy"})

    with (
        attachkit.CodeArtsReq(
            endpoint="https://req.example.test",
            credentials=attachkit.Credentials(ak="AK", sk="SK"),
            transport=httpx.MockTransport(handler),
            retry_policy=RetryPolicy(max_retries=2, sleep=lambda seconds: None),
        ) as req,
        pytest.raises(ServerError),
    ):
        req.scrum.delete("f7a67aee4c034fd6944fd5f769e89042", 5667740, "7")
    assert seen == ["DELETE"] * 3


def test_an_answer_of_another_type_than_documented_is_unexpected() -> None:
    # The generated parser of the IPD list answers an IpdAttachmentList; an operation that
    # claims another model for it refuses the answer instead of handing on the wrong type.
    wrong: Operation[bytes] = Operation(
        "codearts-req",
        "listIpdAttachments",
        catalog.LIST_IPD.endpoint,
        bytes,
        catalog.LIST_IPD.error_parser,
    )
    response = httpx.Response(200, json={"status": "success", "result": []})
    assert isinstance(catalog.LIST_IPD.parse(response).result, list)
    with pytest.raises(UnexpectedResponseError, match="not a bytes"):
        wrong.parse(response)
