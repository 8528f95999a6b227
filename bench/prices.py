"""Public list prices used to turn counted requests into a cost per one million dossiers.

Region ap-southeast-1 (Singapore, where the stack deploys), USD, on-demand, no free tier, no
savings plans. Written down on 2026-01 from the AWS pricing pages named next to each figure (as
they read after DynamoDB's November 2024 on-demand price cut); they were not fetched by the bench
and change over time — check them before quoting a figure.
"""

from __future__ import annotations

PRICES_DATE = "2026-01"
REGION = "ap-southeast-1"

# https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table class)
DYNAMODB_PER_MILLION_WRU = 0.7125
DYNAMODB_PER_MILLION_RRU = 0.1425
# DynamoDB Streams read by Lambda triggers: no charge (same page, "Change data capture").

# https://aws.amazon.com/sqs/pricing/ — standard queues, each 64 KB chunk of a call is a request.
SQS_PER_MILLION_REQUESTS = 0.40

# https://aws.amazon.com/s3/pricing/ — S3 Standard requests.
S3_PER_THOUSAND_WRITES = 0.005  # PUT, COPY, POST, LIST (also presigned PUTs made by browsers)
S3_PER_THOUSAND_READS = 0.0004  # GET, HEAD and the rest

# https://aws.amazon.com/ses/pricing/ — outbound e-mail.
SES_PER_THOUSAND_EMAILS = 0.10

# https://aws.amazon.com/end-user-messaging/pricing/ — SMS to Vietnam (+84) is priced per
# destination and carrier; this is an ESTIMATE of the transactional rate, not a quoted figure.
SNS_SMS_VN_PER_MESSAGE = 0.0712

# Cognito: admin and user-pool API calls are not charged per call (monthly active users are).
COGNITO_PER_CALL = 0.0

# https://aws.amazon.com/lambda/pricing/ — per request; duration not counted here.
LAMBDA_PER_MILLION_REQUESTS = 0.20

S3_WRITE_OPERATIONS = frozenset(
    {
        "PutObject",
        "CopyObject",
        "PostObject",
        "ListObjects",
        "ListObjectsV2",
        "CreateMultipartUpload",
    }
)

# https://aws.amazon.com/api-gateway/pricing/ — REST APIs (what Chalice deploys), first 333 M.
API_GATEWAY_REST_PER_MILLION = 4.25
