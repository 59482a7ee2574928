"""`python -m mfa` is the `mfa` command."""

from mfa.cli import main

main()
