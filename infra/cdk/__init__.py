"""The AWS deployment of motcua (CDK, Python), built from infra/resources.py."""
