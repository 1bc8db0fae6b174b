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
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as a shell reports it
# The reader of standard output went away (`attachkit ... -o - | head -c 10`): 128 + SIGPIPE,
# what a shell reports for a program the signal ended. Not EXIT_USAGE: nothing was wrong with
# the command, and `set -o pipefail` scripts can tell it apart.
EXIT_BROKEN_PIPE = 141
