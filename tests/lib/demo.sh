#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: the main job on the shipped topologies and scenarios.
set -eu
build=$1
"$build/podlab" verify
