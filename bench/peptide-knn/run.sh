#!/usr/bin/env bash
# k-NN AMP / non-AMP quality of the classical peptide embedder on shared/fixtures/peptides:
# cosine k-NN (k=7), stratified 5-fold cross-validation, accuracy and ROC AUC (from the vote fraction).
#   bench/peptide-knn/run.sh [PEPTIDES_DIR] [k] [folds] [seed]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run -c Release --project bench/peptide-knn/PeptideKnn -- "${1:-../shared/fixtures/peptides}" "${2:-7}" "${3:-5}" "${4:-42}"
