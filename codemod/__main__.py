"""`python -m codemod` runs the same CLI as `lumyx-migrate`."""

from codemod.cli import main

if __name__ == "__main__":
    main()
