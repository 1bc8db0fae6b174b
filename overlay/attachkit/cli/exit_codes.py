"""Exit codes of the ``attachkit`` command, one per kind of failure a script may branch on."""

EXIT_OK = 0
EXIT_SERVICE_ERROR = 1  # the service refused the call for another reason (400, 403, 409, 5xx…)
EXIT_USAGE = 2  # bad arguments or input, refused before sending (argparse uses 2 as well)
EXIT_AUTH = 3  # no credentials found, bad signature, wrong password, expired token
# The service says the attachment, file or resource does not exist. A missing local file and a
# destination that already exists are the caller's input: EXIT_USAGE (see cli/run.py).
EXIT_NOT_FOUND = 4
EXIT_INTEGRITY = 5  # the bytes received do not match the size or checksum promised
EXIT_TRANSPORT = 6  # no answer: connection refused or reset, timeout
