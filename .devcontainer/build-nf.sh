#!/usr/bin/env bash
# Builds the device solution from the command line, as the nanoFramework VS Code extension does on Linux.
# Usage (inside the dev container): .devcontainer/build-nf.sh [Debug|Release]
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-Release}"
nuget restore nf.sln
msbuild nf.sln -p:platform="Any CPU" -p:Configuration="$config" \
  "-p:NanoFrameworkProjectSystemPath=${NF_PROJECT_SYSTEM:?set NF_PROJECT_SYSTEM to the nanoFramework/v1.0/ folder}" \
  -p:NFMDP_PE_Verbose=false -p:NFMDP_PE_VerboseMinimize=false -p:UseSharedCompilation=false -verbosity:minimal
