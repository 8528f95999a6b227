"""``python -m infra.cdk``: synthesize the CloudFormation templates (see app.py)."""

from infra.cdk.app import main

main()
