"""A stand-in for Lambda's Python runtime, run in a fresh interpreter (``python -I -S``) by
tests/cdk/test_dress_rehearsal.py: one cold start of one function, one invocation.

As the python3.11 runtime does it (AWS Lambda developer guide, "Building Lambda functions with
Python" / "Define Lambda function handler in Python"): the deployment package unpacked as the
task root, first on ``sys.path``, then the runtime's own packages (the AWS SDK); ``_HANDLER``
(``module.function``) imported once (the Init phase), then called with the event and a context
object. Nothing of the repository is importable: only the package and the runtime.

Usage: python -I -S lambda_runtime.py <task root> <runtime dir> <event file> <answer file>
The environment is the function's (the test builds it); the answer file receives
``{"result": ...}`` or ``{"error": ..., "traceback": ...}``.
"""

from __future__ import annotations

import sys

task_root, runtime_dir, event_file, answer_file = sys.argv[1:5]
sys.path[:] = [task_root, runtime_dir, *[p for p in sys.path if "site-packages" not in p]]

import importlib  # noqa: E402 (after the path is the runtime's)
import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import uuid  # noqa: E402
from typing import Any  # noqa: E402


class LambdaContext:
    """The attributes of the context object Lambda passes (developer guide, "Using the Lambda
    context object to retrieve Python function information")."""

    def __init__(self) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.invoked_function_arn = (
            f"arn:aws:lambda:{os.environ['AWS_REGION']}:123456789012:function:{self.function_name}"
        )
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + 30

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main() -> dict[str, Any]:
    module_name, _, function_name = os.environ["_HANDLER"].rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), function_name)  # Init phase
    except BaseException as exc:  # Runtime.ImportModuleError / an exception during Init
        return {"error": f"Init: {type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    with open(event_file, encoding="utf-8") as f:
        event = json.load(f)
    try:
        return {"result": handler(event, LambdaContext())}
    except BaseException as exc:
        return {
            "error": f"Invoke: {type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
        }


if __name__ == "__main__":
    answer = main()
    with open(answer_file, "w", encoding="utf-8") as out:
        json.dump(answer, out, default=str)
