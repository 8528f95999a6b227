"""Stand-ins for outside parties in local runs; they speak the party's protocol and share no product code."""  # noqa: E501
