#!/usr/bin/env bash
# `buf breaking` for the gRPC contract: proto/ as it is now against proto/ on the branch main
# (buf's FILE rules, proto/buf.yaml). Run by `npm run lint`, so CI checks every change to the
# contract. A client generated from main's protos must keep working: a field renumbered or
# retyped, an rpc or enum value removed fails here (a model update that reorders AWS members
# does too: review it, and bump the package's version instead of breaking v1).
#
# Skips, saying why, when there is nothing to compare against: not a git checkout, no local
# branch main (a clone of another branch), or main has no proto/buf.yaml yet (the commit that
# introduces the contract). On main itself it compares the working tree with the last commit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

skip() {
  printf 'buf breaking: skipped: %s\n' "$1"
  exit 0
}

git rev-parse --is-inside-work-tree > /dev/null 2>&1 || skip 'not a git checkout'
git rev-parse --verify --quiet refs/heads/main > /dev/null || skip 'no local branch main in this clone'
git cat-file -e main:proto/buf.yaml 2> /dev/null || skip 'main has no proto/buf.yaml yet'

# The repository's own .git directory (a linked worktree has a .git file instead: use the common one).
git_dir=$(git rev-parse --path-format=absolute --git-common-dir)
against="${git_dir}#branch=main,subdir=proto"
echo "buf breaking proto --against '${against}'"
exec node_modules/.bin/buf breaking proto --against "${against}"
