"""The book's code: every listing a reader sees is a named section of a module here.

One concept per module, named after the chapter that shows it
(``a2_rnncell_parameters`` is shown in chapter A2 and tested by
``tests/test_a2_rnncell_parameters.py``). Helpers shared by chapters
(``plotting``, ``figures``) carry no chapter prefix.
"""
