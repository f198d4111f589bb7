"""`python -m chuanyu` runs the command line."""

from chuanyu.cli import run

run()
