"""scikit-learn's PCA on the same vectors as TracesProjectionBench, timed, and compared with Tessera's coordinates up to sign.
Usage: /usr/bin/python3 sklearn_pca.py N D OUT_DIR TESSERA_FIT_S TESSERA_TRANSFORM_S"""
import sys, time
import numpy as np
import sklearn
from sklearn.decomposition import PCA

n, d, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ours_fit, ours_transform = float(sys.argv[4]), float(sys.argv[5])
x = np.fromfile(f"{out}/vectors.f32", dtype=np.float32).reshape(n, d)
ours = np.fromfile(f"{out}/tessera_coords.f64", dtype=np.float64).reshape(n, 2)

def best(runs, fn):
    times = []
    for _ in range(runs):
        start = time.perf_counter(); result = fn(); times.append(time.perf_counter() - start)
    return min(times), result

print(f"sklearn {sklearn.__version__}, numpy {np.__version__}")
solvers = ["full", "auto"] + (["covariance_eigh"] if tuple(map(int, sklearn.__version__.split(".")[:2])) >= (1, 5) else [])
for solver in solvers:
    for dtype in (np.float64, np.float32):
        data = x.astype(dtype)
        fit_s, pca = best(2, lambda: PCA(n_components=2, svd_solver=solver, random_state=0).fit(data))
        transform_s, theirs = best(2, lambda: pca.transform(data))
        diffs = []
        for c in range(2):
            sign = np.sign(np.dot(ours[:, c], theirs[:, c])) or 1.0
            diffs.append(np.max(np.abs(sign * ours[:, c] - theirs[:, c])) / np.max(np.abs(theirs[:, c])))
        print(f"sklearn svd_solver={solver} {np.dtype(dtype).name}: fit {fit_s:.3f}s transform {transform_s:.3f}s | "
              f"speed ratio (sklearn/tessera) fit {fit_s / ours_fit:.2f}x transform {transform_s / ours_transform:.2f}x | "
              f"max relative coordinate difference up to sign: {max(diffs):.2e}")
