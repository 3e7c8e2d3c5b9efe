"""Business rules, with no request, flash or render: views and commands call these."""
