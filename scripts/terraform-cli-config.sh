#!/usr/bin/env bash
# Writes a Terraform CLI configuration file for this repository and prints its path.
#
#   scripts/terraform-cli-config.sh <output-file>
#   export TF_CLI_CONFIG_FILE="$(scripts/terraform-cli-config.sh .local/terraformrc)"
#
# Providers come only from a local filesystem mirror (no registry access): $TF_PLUGIN_MIRROR, default
# /opt/tf-plugins. Installed providers are kept in a plugin cache under the repository's gitignored .local/
# (override with $TF_PLUGIN_CACHE_PATH) so that repeated `terraform init` runs link instead of copy.
# Nothing outside the repository is touched except the output file you name.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: $0 <output-file>" >&2
  exit 64
fi

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
cache="${TF_PLUGIN_CACHE_PATH:-$repo_root/.local/terraform-plugin-cache}"
out="$1"

if [[ ! -d "$mirror" ]]; then
  echo "$0: provider mirror '$mirror' does not exist (set TF_PLUGIN_MIRROR)" >&2
  exit 1
fi

mkdir -p "$cache" "$(dirname "$out")"
mirror="$(cd "$mirror" && pwd)"
cache="$(cd "$cache" && pwd)"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"

# Quote for HCL: escape backslashes and double quotes.
hcl_string() {
  local s="${1//\\/\\\\}"
  printf '"%s"' "${s//\"/\\\"}"
}

cat >"$out" <<HCL
# Written by scripts/terraform-cli-config.sh; regenerate rather than edit.
provider_installation {
  filesystem_mirror {
    path    = $(hcl_string "$mirror")
    include = ["*/*/*"]
  }
}

plugin_cache_dir = $(hcl_string "$cache")

# The dependency lock file is not committed in this repository (.gitignore), so there is no recorded
# checksum for the cache to break; without this, Terraform would bypass the cache on every fresh init.
plugin_cache_may_break_dependency_lock_file = true
HCL

printf '%s\n' "$out"
