"""Describe: what a data package is (descriptor, tables, schemas, stamps) and where a copy of it comes from.

Everything later in the data's life (reading, checking, publishing, sharing) starts from a ``DataPackage``
opened here, whether the copy is a folder, a release zip, a release version or a git ref; git is read
through ``git.py`` only.
"""
