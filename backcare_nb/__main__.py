"""``python -m backcare_nb``: the same command line as the ``backcare-nb`` script."""

from backcare_nb.cli import main_entry

if __name__ == "__main__":
    main_entry()
