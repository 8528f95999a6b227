"""The local stack behind `make run`: moto as the AWS, the four services, event delivery."""
