#!/usr/bin/python3
"""Golden fixture for torch.set_num_threads / torch.get_num_threads: what torch reports after a
set, and the exception class and text for each rejected argument (run with /usr/bin/python3).

Writes fixtures/modules/threads.json.

    /usr/bin/python3 compat/make_thread_fixtures.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from fixture_io import meta, write  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'modules')


def main():
    sets = []
    for n in [3, 1, 2]:
        torch.set_num_threads(n)
        sets.append({'set': n, 'get': torch.get_num_threads()})
    errors = []
    for label, value in [('zero', 0), ('negative', -1), ('float', 2.5), ('str', 'a')]:
        try:
            torch.set_num_threads(value)
        except Exception as e:  # noqa: BLE001
            errors.append({'label': label, 'value': value, 'type': type(e).__name__, 'message': str(e)})
    write(os.path.join(ROOT, 'threads.json'), dict(meta(), sets=sets, errors=errors))


if __name__ == '__main__':
    main()
