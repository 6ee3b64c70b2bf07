#!/usr/bin/env bash
# An installed dockerops, used as a new user would: `cmake --install` into a
# temporary prefix, then, in an empty folder outside the repository and with
# only the installed binary on PATH: init, validate, plan, apply, ssh into the
# starter instance, destroy.
#   install_test.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"   # grep_all
BUILD=$1
PREFIX=$(mktemp -d)
WORK=$(mktemp -d)
PROJECT="inst-$$"
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  (cd "$WORK/$PROJECT" 2>/dev/null && "$PREFIX/bin/dockerops" destroy --yes --allow-destroy-all --rmi --purge-data >/dev/null 2>&1) || true
  docker ps -aq --filter "label=io.dockerops.project=$PROJECT" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter "label=io.dockerops.project=$PROJECT" | xargs -r docker network rm >/dev/null 2>&1 || true
  docker images -q --filter "label=io.dockerops.image.project=$PROJECT" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf "$PREFIX" "$WORK"
}
trap cleanup EXIT

cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null || fail "cmake --install"
for f in bin/dockerops share/dockerops/containers/dockerops-base/Dockerfile share/dockerops/containers/dockerops-dns/Dockerfile \
         share/man/man1/dockerops.1.gz share/man/man5/dockerops.toml.5.gz share/bash-completion/completions/dockerops share/zsh/vendor-completions/_dockerops \
         share/doc/dockerops/README.md share/doc/dockerops/docs/commands.md share/doc/dockerops/examples/demo/dockerops.toml; do
  [ -e "$PREFIX/$f" ] || fail "not installed: $f"
done
zgrep -q "^\.SS apply" "$PREFIX/share/man/man1/dockerops.1.gz" || fail "the man page has no section for apply"
grep -q 'complete -F _dockerops dockerops' "$PREFIX/share/bash-completion/completions/dockerops" || fail "bash completion"
bash -c ". '$PREFIX/share/bash-completion/completions/dockerops'; COMP_WORDS=(dockerops pl); COMP_CWORD=1; _dockerops; [ \"\${COMPREPLY[*]}\" = plan ]" \
  || fail "bash completion does not complete 'pl' to plan"

# A new shell: only the installed binary, nothing pointing at the repository.
export PATH="$PREFIX/bin:/usr/bin:/bin:/usr/sbin:/sbin"
unset DOCKEROPS_SHARE_DIR
[ "$(command -v dockerops)" = "$PREFIX/bin/dockerops" ] || fail "dockerops is not the installed one"
dockerops version | grep_all -x "share: $PREFIX/share/dockerops" || fail "version: $(dockerops version)"
mkdir "$WORK/$PROJECT" && cd "$WORK/$PROJECT"
out=$(dockerops plan 2>&1) && fail "plan in an empty folder went ahead"
grep -q "run 'dockerops init'" <<<"$out" || fail "plan in an empty folder does not point at init: $out"
dockerops init | grep_all "made a starter project '$PROJECT'" || fail "init did not scaffold"
[ -f dockerops.toml ] && grep -q '^FROM dockerops/dockerops-base' containers/app/Dockerfile || fail "starter files"
grep -qx '.dockerops/' .gitignore && grep -qx 'dockerops.host.toml' .gitignore || fail ".gitignore: $(cat .gitignore)"
[ -f .dockerops/ssh/id_ed25519 ] || fail "no key pair"
dockerops validate | grep_all "^ok: project '$PROJECT', 1 container, 1 instance" || fail "validate"
dockerops plan | grep_all "create   app.one: not found" || fail "plan"
dockerops apply --yes >/dev/null || fail "apply"
[ "$(dockerops ssh app.one hostname </dev/null)" = app-one ] || fail "ssh into app.one"
dockerops plan | grep_all -x "No changes." || fail "a second plan has changes"
dockerops destroy --yes --allow-destroy-all >/dev/null || fail "destroy"
[ -z "$(docker ps -aq --filter "label=io.dockerops.project=$PROJECT")" ] || fail "destroy left containers"
echo "1 passed, 0 failed"
