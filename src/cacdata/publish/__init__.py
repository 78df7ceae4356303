"""Publish: make and trace releases (versioning policy, manifests, data zips, diffs between releases, citation)."""
