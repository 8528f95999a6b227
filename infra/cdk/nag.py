"""cdk-nag acknowledgements: each names the rule (finding) and says why it does not apply.

cdk-nag 3 reads CDK's own ``Validations.of(x).acknowledge(...)``; an IAM5 finding is named
with what it applies to, e.g. ``AwsSolutions-IAM5[Resource::*]``.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def suppress(construct: IConstruct, *reasons: tuple[str, str]) -> None:
    """Acknowledge findings ``(rule id, reason)`` on ``construct`` and its children."""
    Validations.of(construct).acknowledge(
        *(Acknowledgment(id=rule, reason=reason) for rule, reason in reasons)
    )
