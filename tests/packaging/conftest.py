"""The Debian package test belongs to releases that package every dependency standup has
(Debian 13 and later). Where one is missing (Debian 12 has no python3-pydantic-settings) it is
not collected at all: it has nothing to build there, and CI runs it in the Debian 13 root
(`.ci/release`, see .ci/release-lanes)."""

from __future__ import annotations

import packaged_root

collect_ignore = ["test_deb_e2e.py"] if packaged_root.dependencies_missing() else []
