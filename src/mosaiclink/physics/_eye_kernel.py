"""Compiled statistical eye (:func:`mosaiclink.physics.ber.eye_log10_ber`), one fused loop per row.

A module of its own so that importing the physics layer does not load Numba; the first eye does.
The formulation (exact strongest interferers, Gaussian rest, Newton threshold, jitter-weighted
tails) is the one in :mod:`mosaiclink.physics.ber`'s Notes; its NumPy formulation
(``ber._eye_ber_numpy``, the path of small batches, which do not load Numba) is the oracle of
a property test.

The two transcendental functions the eye spends its time in are written out so that the
compiler vectorizes the loops over the :math:`2^N` patterns (a call into libm does not):

- :func:`exp_nonpositive`: :math:`e^u = 2^k e^r`, :math:`k = \\lfloor u\\log_2 e + \\tfrac12\\rfloor`,
  :math:`r = u - k\\ln 2` in two parts (Cody & Waite, *Software Manual for the Elementary
  Functions*, 1980, ch. 6), :math:`e^r` by its Taylor series to degree 13 (remainder
  :math:`|r|^{14}/14! < 4\\times10^{-18}` for :math:`|r| \\le \\tfrac12\\ln 2`), :math:`2^k` as
  :math:`2^{\\lfloor k/2\\rfloor} 2^{k - \\lfloor k/2\\rfloor}` (two normal numbers built from their
  bits, so that results down to the subnormal range round once);
- :func:`ndtr`: the Cephes normal CDF (Moshier, *Methods and Programs for Mathematical
  Functions*, 1989; SciPy's ``ndtr``): :math:`\\tfrac12 + \\tfrac12\\mathrm{erf}(x/\\sqrt2)` with
  the rational erf (T/U) where :math:`|x|/\\sqrt2 < 1`, else :math:`\\tfrac12\\mathrm{erfc}` as
  :math:`e^{-z^2} P(z)/Q(z)` (z < 8) or :math:`e^{-z^2} R(z)/S(z)`, every branch computed and the
  right one selected (it underflows to 0 where SciPy's does); an instant's tails whose arguments
  all lie beyond the erf branch are computed by a loop compiled without the branches they do not
  need (:func:`_normal_cdfs`: the eye 10 % faster on the benchmark population, its BERs there the
  same bit for bit).

Every loop contracts :math:`a b + c` into a fused multiply-add (Numba's ``fastmath={"contract"}``:
no reassociation, no approximation; the eye 26 % faster on the benchmark population, whose time is
in these polynomials). A fused multiply-add rounds once where SciPy's and NumPy's code rounds twice:
against ``scipy.special.ndtr`` 5.5 ulp at most (where ``1/2 + erf/2`` cancels, 1.5 ulp of erf),
against ``numpy.exp`` 1 ulp (``tests/physics/test_eye_kernel.py``).

Sums over patterns use four interleaved partial sums (a fixed order: a row's result does not
depend on the batch). The Newton iteration on the threshold stops, row by row, once a step moves
it by at most ``newton_settled`` of the smaller level sigma (``ber.NEWTON_SETTLED_SIGMA``, 3e-3;
the NumPy formulation stops each row by the same rule): it converges quadratically, so the
threshold is then about 1e-5 sigma from the densities' crossing. Against a stop at 1e-7 sigma, on
the benchmark population's 48,982 rows: log10 BER within 4.3e-7 decade, the eye 14 % faster (at
1e-2 sigma 6.6e-6 decade, 16 %; at 1e-4 sigma 4.9e-10 decade, 4 %). Agreement with the NumPy
formulation, measured on the benchmark population and in the property test: 1e-14 relative in
log10 BER.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

SQRT1_2 = 0.7071067811865476
LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01  # ln 2 split so that k * LN2_HI is exact for |k| < 2^20
LN2_LO = 1.90821492927058770002e-10
EXP_FLOOR = -750.0  # e^u is 0 in float64 below about -745.1
TAYLOR = 1.0 / np.cumprod(np.concatenate([[1.0], np.arange(1.0, 14.0)]))[::-1]  # 1/13!, ..., 1/0!
ERFC_MAXLOG = 7.09782712893383996732e2  # Cephes MAXLOG: erfc(z) is taken as 0 where z^2 exceeds it
ERFC_ZERO = 30.0  # |x| / sqrt 2 beyond which only the 0 (or 1) limit is used
# Cephes ndtr coefficients (highest power first; Q, S and U are monic)
ERF_T = np.array([9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
                  7.00332514112805075473e3, 5.55923013010394962768e4])  # fmt: skip
ERF_U = np.array([1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
                  2.26290000613890934246e4, 4.92673942608635921086e4])  # fmt: skip
ERFC_P = np.array([2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
                   4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
                   9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2])  # fmt: skip
ERFC_Q = np.array([1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
                   9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
                   1.65666309194161350182e3, 5.57535340817727675546e2])  # fmt: skip
ERFC_R = np.array([5.64189583547755073984e-1, 1.27536670759978104416e0,
                   5.01905042251180477414e0, 6.16021097993053585195e0, 7.40974269950448939160e0,
                   2.97886665372100240670e0])  # fmt: skip
ERFC_S = np.array([1.0, 2.26052863220117276590e0, 9.39603524938001434673e0,
                   1.20489539808096656605e1, 1.70814450747565897222e1, 9.60896809063285878198e0,
                   3.36907645100081516050e0])  # fmt: skip


@njit(cache=True, error_model="numpy", inline="always", fastmath={"contract"})
def exp_nonpositive(u):
    """e^u for u <= 0 (u > 0 is taken as 0; NaN and u below EXP_FLOOR give 0); see module Notes."""
    u = min(u, 0.0) if u > EXP_FLOOR else EXP_FLOOR
    k = math.floor(u * LOG2E + 0.5)
    r = (u - k * LN2_HI) - k * LN2_LO
    p = TAYLOR[0]
    for c in TAYLOR[1:]:
        p = p * r + c
    half = np.int64(k) >> 1  # 2^k as 2^half 2^(k - half), two normal powers built from their bits
    return (p * np.int64((half + 1023) << 52).view(np.float64)) * np.int64((np.int64(k) - half + 1023) << 52).view(
        np.float64
    )


@njit(cache=True, error_model="numpy", inline="always", fastmath={"contract"})
def horner(coefficients, x):
    """The polynomial with ``coefficients`` (highest power first) at ``x``, by Horner's rule."""
    out = coefficients[0]
    for c in coefficients[1:]:
        out = out * x + c
    return out


@njit(cache=True, error_model="numpy", inline="always", fastmath={"contract"})
def normal_cdf(a, near, mid, far):
    """Standard normal CDF (Cephes formulation, branch-free; see module Notes) with the branches
    ``near`` (|a| / sqrt 2 < 1: the rational erf), ``mid`` (1 <= |a| / sqrt 2 < 8: erfc's P/Q) and
    ``far`` (beyond: R/S) compiled in; each a constant where it is inlined, so that a loop whose
    arguments all lie in the branches it names computes only those (:func:`_normal_cdfs`), with the
    same operations (which the compiler may contract into other fused multiply-adds: within a few
    ulp of each other and of SciPy, ``tests/physics/test_eye_kernel.py``)."""
    x = a * SQRT1_2
    z = abs(x)
    zz = x * x
    num, den = (horner(ERF_T, zz), horner(ERF_U, zz)) if near else (0.0, 1.0)
    zc = z if z < ERFC_ZERO else ERFC_ZERO  # keeps inf out of the polynomials (erfc is 0 there)
    p_mid, q_mid = (horner(ERFC_P, zc), horner(ERFC_Q, zc)) if mid else (0.0, 1.0)
    p_far, q_far = (horner(ERFC_R, zc), horner(ERFC_S, zc)) if far else (0.0, 1.0)
    small = (zc < 8.0) if (mid and far) else mid
    is_near = (z < 1.0) if near else False  # one division for both forms: erf(x) = x T/U, or erfc(z) = e^{-z^2} P/Q
    gauss = exp_nonpositive(-zc * zc) if zc * zc < ERFC_MAXLOG else 0.0  # Cephes' underflow to 0
    ratio = (x * num if is_near else gauss * (p_mid if small else p_far)) / (
        den if is_near else (q_mid if small else q_far)
    )
    tail = 0.5 * ratio
    outer = (1.0 - tail if x > 0 else tail) if z == z else a
    return 0.5 + tail if is_near else outer


@njit(cache=True, error_model="numpy", inline="always", fastmath={"contract"})
def ndtr(a):
    """Standard normal CDF, every branch (:func:`normal_cdf`)."""
    return normal_cdf(a, True, True, True)


REGION_NEAR, REGION_MID, REGION_FAR = 1, 2, 4  # the branches of normal_cdf an argument needs


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _regions(v, n):
    """The branches of :func:`normal_cdf` that v[0], ..., v[n-1] need, or'ed (REGION_*); every branch
    where one is NaN."""
    near = mid = far = 0
    for p in range(n):
        z = abs(v[p]) * SQRT1_2
        near += z < 1.0
        far += z >= 8.0
        mid += (z >= 1.0) & (z < 8.0)
    if near + mid + far != n:  # a NaN
        return REGION_NEAR | REGION_MID | REGION_FAR
    return (REGION_NEAR if near else 0) | (REGION_MID if mid else 0) | (REGION_FAR if far else 0)


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _normal_cdfs(args, vals, n):
    """vals[p] = Phi(args[p]) for p < n, by a loop compiled for only the branches the arguments need
    (:func:`_regions`: on the benchmark population 35 % of an eye's instants need the mid branch
    alone, 32 % the far one, 14 % both; each skipped branch is two polynomials per tail)."""
    regions = _regions(args, n)
    if regions == REGION_MID:
        for p in range(n):
            vals[p] = normal_cdf(args[p], False, True, False)
    elif regions == REGION_FAR:
        for p in range(n):
            vals[p] = normal_cdf(args[p], False, False, True)
    elif regions == REGION_MID | REGION_FAR:
        for p in range(n):
            vals[p] = normal_cdf(args[p], False, True, True)
    else:
        for p in range(n):
            vals[p] = ndtr(args[p])


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _sum(v, n):
    """v[0] + ... + v[n-1] in four interleaved partial sums (a fixed order)."""
    s0 = s1 = s2 = s3 = 0.0
    m = n - n % 4
    for p in range(0, m, 4):
        s0 += v[p]
        s1 += v[p + 1]
        s2 += v[p + 2]
        s3 += v[p + 3]
    for p in range(m, n):
        s0 += v[p]
    return (s0 + s1) + (s2 + s3)


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _max(v, n):
    """max(v[0], ..., v[n-1]) in four interleaved partial maxima (NaN-free input)."""
    s0 = s1 = s2 = s3 = -np.inf
    m = n - n % 4
    for p in range(0, m, 4):
        s0 = max(s0, v[p])
        s1 = max(s1, v[p + 1])
        s2 = max(s2, v[p + 2])
        s3 = max(s3, v[p + 3])
    for p in range(m, n):
        s0 = max(s0, v[p])
    return max(max(s0, s1), max(s2, s3))


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _largest(values, k, out):
    """Indices of the k largest of ``values`` into ``out[:k]``, largest first (ties: the earlier
    index first), by one pass of insertion into the sorted k kept so far."""
    count = 0
    for idx in range(values.size if k > 0 else 0):
        v = values[idx]
        if count == k and not v > values[out[k - 1]]:
            continue
        pos = count if count < k else k - 1
        while pos > 0 and values[out[pos - 1]] < v:
            out[pos] = out[pos - 1]
            pos -= 1
        out[pos] = idx
        count = min(count + 1, k)


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _mixture(t, means, sd, e, wt, mom):
    """log sum_p exp(-((t - mean_p)/sd)^2 / 2) and the weighted mean of (mean_p - t); ``e``,
    ``wt``, ``mom`` are scratch of ``means``' size."""
    n = means.size
    inv = 1.0 / sd
    for p in range(n):
        u = (t - means[p]) * inv
        e[p] = -0.5 * u * u
    m = _max(e, n)
    for p in range(n):
        wt[p] = exp_nonpositive(e[p] - m)
        mom[p] = wt[p] * (means[p] - t)
    total = _sum(wt, n)
    return m + math.log(total), _sum(mom, n) / total


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def eye_ber_rows(g, cursor_index, xt_cols, r, s0, s1, w, n_strong, optimal, newton_steps, newton_settled):
    """BER (linear, not floored) of each row of the statistical eye with jitter.

    ``g`` (rows, J, bits) equalized pulse at each instant (instant 0 nominal), ``xt_cols`` the
    bit columns of each aggressor eligible for the exact set, ``r`` (rows, A) aggressor light
    ratios, ``s0``/``s1`` (rows,) level noise rms, ``w`` (J,) instant weights; ``optimal`` picks
    the Newton threshold (else the midpoint): at most ``newton_steps`` steps, the last one that
    moves it by at most ``newton_settled`` of the smaller level sigma (module Notes).
    """
    rows, n_inst, bits = g.shape
    n_aggr = r.shape[1]
    n_top = min(n_strong, n_aggr)
    n_cand = bits - 1 + n_top * xt_cols.size
    n = min(n_strong, n_cand)
    n_pat = 1 << n
    out = np.empty(rows)
    coef = np.empty(n_cand)  # candidate k at instant j is coef[k] * g[i, j, col[k]]
    col = np.empty(n_cand, np.int64)
    mag = np.empty(n_cand)
    top = np.empty(n_top, np.int64)
    pick = np.empty(n, np.int64)
    strong = np.empty(n)
    zeros = np.empty((n_inst, n_pat))
    ones0 = np.empty(n_pat)
    args = np.empty(2 * n_pat)
    vals = np.empty(2 * n_pat)
    e = np.empty(n_pat)
    wt = np.empty(n_pat)
    mom = np.empty(n_pat)
    total = np.empty(n_inst)
    sd0 = np.empty(n_inst)
    sd1 = np.empty(n_inst)
    for i in range(rows):
        # candidates: the ISI cursors, then each of the n_top strongest aggressors' eligible bits
        k = 0
        for b in range(bits):
            if b != cursor_index:
                coef[k] = 1.0
                col[k] = b
                k += 1
        sum_r = 0.0
        sum_r2 = 0.0
        for a in range(n_aggr):
            sum_r += r[i, a]
            sum_r2 += r[i, a] * r[i, a]
        _largest(r[i], n_top, top)
        for a in range(n_top):
            for c in range(xt_cols.size):
                coef[k] = r[i, top[a]]
                col[k] = xt_cols[c]
                k += 1
        # the n largest |candidate| at the nominal instant join the exact set
        for k in range(n_cand):
            mag[k] = abs(coef[k] * g[i, 0, col[k]])
        _largest(mag, n, pick)
        for j in range(n_inst):
            isi_sum = 0.0
            isi_sq = 0.0
            g_sum = 0.0
            g_sq = 0.0
            for b in range(bits):
                v = g[i, j, b]
                g_sum += v
                g_sq += v * v
                if b != cursor_index:
                    isi_sum += v
                    isi_sq += v * v
            strong_sum = 0.0
            strong_sq = 0.0
            for q in range(n):
                strong[q] = coef[pick[q]] * g[i, j, col[pick[q]]]
                strong_sum += strong[q]
                strong_sq += strong[q] * strong[q]
            tot = isi_sum + sum_r * g_sum
            total[j] = tot
            rest_mean = 0.5 * (tot - strong_sum)
            rest_var = max(0.25 * ((isi_sq + sum_r2 * g_sq) - strong_sq), 0.0)
            sd0[j] = math.sqrt(s0[i] * s0[i] + rest_var)
            sd1[j] = math.sqrt(s1[i] * s1[i] + rest_var)
            # zeros[p] = sum of strong[q] over the set bits q of p, plus the rest's mean
            zeros[j, 0] = 0.0
            for q in range(n):
                half = 1 << q
                for p in range(half):
                    zeros[j, half + p] = zeros[j, p] + strong[q]
            for p in range(n_pat):
                zeros[j, p] += rest_mean
        cursor0 = g[i, 0, cursor_index]
        low = 0.5 * total[0]
        high = cursor0 + 0.5 * total[0]
        t = 0.5 * (low + high)
        if optimal:
            edge0 = -np.inf
            edge1 = np.inf
            for p in range(n_pat):
                ones0[p] = zeros[0, p] + cursor0
                edge0 = max(edge0, zeros[0, p])
                edge1 = min(edge1, ones0[p])
            if edge1 > edge0:
                t = (sd1[0] * edge0 + sd0[0] * edge1) / (sd0[0] + sd1[0])
            for _ in range(newton_steps):
                log1, moment1 = _mixture(t, ones0, sd1[0], e, wt, mom)
                log0, moment0 = _mixture(t, zeros[0], sd0[0], e, wt, mom)
                ratio = log1 - math.log(sd1[0]) - log0 + math.log(sd0[0])
                slope = moment1 / sd1[0] ** 2 - moment0 / sd0[0] ** 2
                step = ratio / (slope if slope > 0 else np.inf)
                previous = t
                t = t - step
                if t < low:
                    t = low
                if t > high:
                    t = high
                if abs(t - previous) <= newton_settled * min(sd0[0], sd1[0]):
                    break  # module Notes
        ber = 0.0
        for j in range(n_inst):
            if w[j] == 0.0:
                continue
            c = g[i, j, cursor_index]
            inv0, inv1 = 1.0 / sd0[j], 1.0 / sd1[j]
            for p in range(n_pat):
                args[p] = (t - (zeros[j, p] + c)) * inv1
                args[n_pat + p] = (zeros[j, p] - t) * inv0
            _normal_cdfs(args, vals, 2 * n_pat)
            ber += w[j] * _sum(vals, 2 * n_pat)
        out[i] = ber * (0.5 / n_pat)
    return out
